package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.Yaml;
import io.pilot4j.kube.testing.Objects;
import io.pilot4j.mesh.LabelSelector.Operator;
import io.pilot4j.mesh.LabelSelector.Requirement;
import io.pilot4j.mesh.LabelSelector;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Kind;
import io.pilot4j.model.Locality;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.serviceregistry.ConfigKind;
import io.pilot4j.serviceregistry.Converted;
import io.pilot4j.serviceregistry.RegistryState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** From the informers' content to the registry's state: which objects count, and what each becomes. */
class KubeStateBuilderTest {
    private final MemoryCluster cluster = new MemoryCluster();
    private final KubeStateBuilder builder = new KubeStateBuilder("cluster.local");

    private List<String> hosts(RegistryState state) {
        return state.snapshot().services().stream().map(s -> s.hostname()).toList();
    }

    @Test
    void discoverySelectorsMatchNamespaceLabelsAnyOfThemAsInIstio() {
        cluster.namespaces.add(Objects.namespace("prod", Map.of("env", "prod")));
        cluster.namespaces.add(Objects.namespace("dev", Map.of("env", "dev", "team", "a")));
        cluster.namespaces.add(Objects.namespace("infra", Map.of()));
        for (String ns : List.of("prod", "dev", "infra", "ghost")) {
            cluster.services.add(Objects.grpcService(ns, "api", "", 80));
        }

        assertEquals(List.of("api.dev.svc.cluster.local", "api.ghost.svc.cluster.local", "api.infra.svc.cluster.local",
                "api.prod.svc.cluster.local"), hosts(builder.build(cluster, List.of())), "no selectors: every namespace");
        assertEquals(List.of("api.prod.svc.cluster.local"),
                hosts(builder.build(cluster, List.of(new LabelSelector(Map.of("env", "prod"), List.of())))));
        assertEquals(List.of("api.dev.svc.cluster.local", "api.prod.svc.cluster.local"), hosts(builder.build(cluster, List.of(
                new LabelSelector(Map.of("env", "prod"), List.of()),
                new LabelSelector(Map.of(), List.of(new Requirement("team", Operator.Exists, List.of())))))), "any selector");
        assertEquals(List.of("api.dev.svc.cluster.local", "api.infra.svc.cluster.local"), hosts(builder.build(cluster, List.of(
                new LabelSelector(Map.of(), List.of(new Requirement("env", Operator.NotIn, List.of("prod"))))))),
                "NotIn matches a missing label; a namespace that does not exist matches nothing");
    }

    @Test
    void slicesCountForTheirServiceOnlyAndMultiClusterSlicesAreLeftOut() {
        cluster.services.add(Objects.grpcService("apps", "echo", "10.96.0.10", 7070));
        cluster.slices.add(Objects.slice("apps", "echo-a", "echo", 9001));
        EndpointSlice withAddress = Yaml.read("""
                metadata: {name: echo-b, namespace: apps, labels: {kubernetes.io/service-name: echo}}
                addressType: IPv4
                ports: [{name: grpc, port: 9002}]
                endpoints: [{addresses: [10.1.0.2]}]
                """, EndpointSlice.class);
        cluster.slices.add(withAddress);
        EndpointSlice imported = Yaml.read("""
                metadata:
                  name: echo-mcs
                  namespace: apps
                  labels: {kubernetes.io/service-name: echo, multicluster.kubernetes.io/service-name: echo}
                addressType: IPv4
                ports: [{name: grpc, port: 9003}]
                endpoints: [{addresses: [10.9.0.1]}]
                """, EndpointSlice.class);
        cluster.slices.add(imported);
        cluster.slices.add(Objects.slice("apps", "orphan", "gone", 9004));

        RegistryState state = builder.build(cluster, List.of());
        assertEquals(List.of(new ConfigKey(Kind.SERVICE, "apps", "echo"), new ConfigKey(Kind.ENDPOINT_SLICE, "apps", "echo-a"),
                new ConfigKey(Kind.ENDPOINT_SLICE, "apps", "echo-b")), state.configs().stream().map(c -> c.key()).toList());
        assertEquals(List.of("10.1.0.2"), state.snapshot().endpoints().get("echo.apps.svc.cluster.local").stream()
                .map(e -> e.address()).toList());
    }

    @Test
    void withoutSlicesTheEndpointsObjectIsRead() {
        cluster.slicesServed = false;
        cluster.services.add(Objects.grpcService("apps", "echo", "10.96.0.10", 7070));
        cluster.endpoints.add(Yaml.read("""
                metadata: {name: echo, namespace: apps}
                subsets: [{addresses: [{ip: 10.1.0.7}], ports: [{name: grpc, port: 9001}]}]
                """, Endpoints.class));

        RegistryState state = builder.build(cluster, List.of());
        assertEquals(List.of("10.1.0.7"), state.snapshot().endpoints().get("echo.apps.svc.cluster.local").stream()
                .map(e -> e.address()).toList());
        assertTrue(state.objects().containsKey(new ConfigKey(Kind.ENDPOINTS, "apps", "echo")));
    }

    @Test
    void serviceEntriesInAnyServedVersionBecomeServicesAndBadOnesAreReported() {
        cluster.services.add(Objects.grpcService("apps", "echo", "10.96.0.10", 7070));
        List<HasMetadata> entries = new ArrayList<>();
        entries.add(Yaml.read("""
                apiVersion: networking.istio.io/v1beta1
                kind: ServiceEntry
                metadata: {name: ext, namespace: apps}
                spec: {hosts: [api.example.com], resolution: DNS, ports: [{number: 443, name: tls, protocol: TLS}]}
                """, io.fabric8.istio.api.networking.v1beta1.ServiceEntry.class));
        entries.add(Yaml.read("""
                apiVersion: networking.istio.io/v1alpha3
                kind: ServiceEntry
                metadata: {name: shadow, namespace: zzz}
                spec: {hosts: [echo.apps.svc.cluster.local], resolution: NONE, ports: [{number: 7070, name: grpc, protocol: GRPC}]}
                """, io.fabric8.istio.api.networking.v1alpha3.ServiceEntry.class));
        entries.add(Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: broken, namespace: apps}
                spec: {hosts: [], ports: [{number: 70000, name: x}]}
                """, io.fabric8.istio.api.networking.v1.ServiceEntry.class));
        cluster.istio.put(ConfigKind.SERVICE_ENTRY, entries);

        RegistrySnapshot snapshot = builder.build(cluster, List.of()).snapshot();
        assertEquals(List.of("api.example.com", "echo.apps.svc.cluster.local"), snapshot.services().stream().map(s -> s.hostname()).toList());
        List<String> errors = snapshot.errors().stream().map(ConfigError::toString).toList();
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("Kubernetes ServiceEntry apps/broken: "), errors.get(0));
        assertTrue(errors.get(1).startsWith("Kubernetes ServiceEntry zzz/shadow: host echo.apps.svc.cluster.local is already declared by Service/apps/echo"),
                errors.get(1));
    }

    @Test
    void aWorkloadSelectorSelectsWorkloadEntriesAndPodsOfItsNamespace() {
        cluster.workloads.withNode("""
                metadata: {name: node-a, labels: {topology.kubernetes.io/region: eu-west1, topology.kubernetes.io/zone: eu-west1-b}}
                """).withPod("""
                metadata: {name: api-0, namespace: apps, labels: {app: api}}
                spec: {nodeName: node-a, serviceAccountName: api}
                status: {podIP: 10.1.0.1, conditions: [{type: Ready, status: "True"}]}
                """).withPod("""
                metadata: {name: api-1, namespace: apps, labels: {app: api}}
                status: {podIP: 10.1.0.2, conditions: [{type: Ready, status: "False"}]}
                """).withPod("""
                metadata: {name: pending, namespace: apps, labels: {app: api}}
                status: {phase: Pending}
                """).withPod("""
                metadata: {name: api-elsewhere, namespace: other, labels: {app: api}}
                status: {podIP: 10.2.0.1, conditions: [{type: Ready, status: "True"}]}
                """).withPod("""
                metadata: {name: web-0, namespace: apps, labels: {app: web}}
                status: {podIP: 10.1.0.9, conditions: [{type: Ready, status: "True"}]}
                """);
        cluster.istio.put(ConfigKind.SERVICE_ENTRY, List.of(Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: api, namespace: apps}
                spec:
                  hosts: [api.internal]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  workloadSelector: {labels: {app: api}}
                  ports: [{number: 80, name: http, protocol: HTTP, targetPort: 8080}]
                """, io.fabric8.istio.api.networking.v1.ServiceEntry.class)));
        cluster.istio.put(ConfigKind.WORKLOAD_ENTRY, List.of(Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: vm-1, namespace: apps}
                spec: {address: 10.5.0.1, labels: {app: api}, ports: {http: 9080}}
                """, io.fabric8.istio.api.networking.v1.WorkloadEntry.class)));

        RegistrySnapshot snapshot = builder.build(cluster, List.of()).snapshot();
        assertEquals(List.of(), snapshot.errors(), "a pending pod is no error: it is not read until it has an IP");
        assertEquals(List.of(
                        new Endpoint("10.5.0.1", 9080, "http", Map.of("app", "api"), Locality.NONE, 1, HealthStatus.HEALTHY, ""),
                        new Endpoint("10.1.0.1", 8080, "http", Map.of("app", "api"), Locality.parse("eu-west1/eu-west1-b"), 1, HealthStatus.HEALTHY, "api"),
                        new Endpoint("10.1.0.2", 8080, "http", Map.of("app", "api"), Locality.NONE, 1, HealthStatus.UNHEALTHY, "")),
                snapshot.endpoints().get("api.internal"), "the entry on its own port, then ready and unready pods of the namespace on the target");
    }

    @Test
    void trafficRulesAreConvertedAndAnInvalidOneIsRejectedWithItsField() {
        io.fabric8.istio.api.networking.v1.VirtualService good = Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: echo, namespace: apps, creationTimestamp: "2026-01-01T00:00:00Z"}
                spec:
                  hosts: [echo]
                  http: [{route: [{destination: {host: echo, subset: v1}}]}]
                """, io.fabric8.istio.api.networking.v1.VirtualService.class);
        // fabric8 keeps "atempts" in additionalProperties; the conversion must not let it pass silently.
        io.fabric8.istio.api.networking.v1.VirtualService typo = Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: typo, namespace: apps}
                spec:
                  hosts: [other]
                  http: [{route: [{destination: {host: other}}], retries: {atempts: 3}}]
                """, io.fabric8.istio.api.networking.v1.VirtualService.class);
        cluster.istio.put(ConfigKind.VIRTUAL_SERVICE, List.of(good, typo));

        RegistrySnapshot snapshot = builder.build(cluster, List.of()).snapshot();

        assertEquals(List.of("echo.apps.svc.cluster.local"),
                snapshot.rules().virtualServices().stream().flatMap(v -> v.hosts().stream()).toList());
        assertEquals(List.of("Kubernetes VirtualService apps/typo: spec.http[0].retries.atempts: unknown field \"atempts\""),
                snapshot.errors().stream().map(ConfigError::toString).toList());
    }

    @Test
    void aRuleIsItsSpecNotItsStatusOrVersion() {
        io.fabric8.istio.api.networking.v1.DestinationRule rule = Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: echo
                  namespace: apps
                  resourceVersion: "7"
                  annotations: {kubectl.kubernetes.io/last-applied-configuration: "{...}"}
                spec: {host: echo, subsets: [{name: v1, labels: {version: v1}}]}
                """, io.fabric8.istio.api.networking.v1.DestinationRule.class);
        io.fabric8.istio.api.networking.v1.DestinationRule statusOnly = Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: echo, namespace: apps, resourceVersion: "8"}
                spec: {host: echo, subsets: [{name: v1, labels: {version: v1}}]}
                status: {observedGeneration: 3}
                """, io.fabric8.istio.api.networking.v1.DestinationRule.class);
        io.fabric8.istio.api.networking.v1.DestinationRule edited = Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: echo, namespace: apps, resourceVersion: "9"}
                spec: {host: echo, subsets: [{name: v2, labels: {version: v2}}]}
                """, io.fabric8.istio.api.networking.v1.DestinationRule.class);
        ConfigKey key = new ConfigKey(Kind.DESTINATION_RULE, "apps", "echo");

        cluster.istio.put(ConfigKind.DESTINATION_RULE, List.of(rule));
        var first = builder.build(cluster, List.of()).objects().get(key).converted();
        cluster.istio.put(ConfigKind.DESTINATION_RULE, List.of(statusOnly));
        var second = builder.build(cluster, List.of()).objects().get(key).converted();
        cluster.istio.put(ConfigKind.DESTINATION_RULE, List.of(edited));
        var third = builder.build(cluster, List.of()).objects().get(key).converted();

        assertEquals(first, second);
        assertNotEquals(second, third);
    }

    @Test
    void aSliceIsConvertedAgainOnlyWhenItOrAnythingItReadIsAnotherInstance() {
        cluster.services.add(Objects.grpcService("apps", "echo", "10.96.0.10", 7070));
        cluster.workloads.withPod("""
                metadata: {name: echo-1, namespace: apps, labels: {app: echo}}
                spec: {nodeName: node-a}
                status: {phase: Running, podIP: 10.1.0.1}
                """).withNode(node("eu-west"));
        cluster.slices.add(Objects.slice("apps", "echo-a", "echo", 9001, "echo-1", "10.1.0.1"));
        ConfigKey slice = new ConfigKey(Kind.ENDPOINT_SLICE, "apps", "echo-a");

        Converted first = builder.build(cluster, List.of()).objects().get(slice).converted();
        Converted second = builder.build(cluster, List.of()).objects().get(slice).converted();
        cluster.workloads.withNode(node("us-east"));
        RegistryState moved = builder.build(cluster, List.of());

        assertSame(first, second, "the slice, its pod and its node are the same instances: the conversion is kept");
        assertNotSame(second, moved.objects().get(slice).converted(), "its pod's node is another instance: converted again");
        assertEquals("us-east", moved.snapshot().endpoints().get("echo.apps.svc.cluster.local").get(0).locality().region(),
                "the endpoint's locality follows the node");
    }

    private static String node(String region) {
        return """
                metadata: {name: node-a, labels: {topology.kubernetes.io/region: %s, topology.kubernetes.io/zone: %s-1}}
                """.formatted(region, region);
    }
}
