package io.pilot4j.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.pilot4j.kube.Yaml;
import io.pilot4j.kube.testing.MockCluster;
import io.pilot4j.kube.testing.Objects;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.Closeables;
import io.pilot4j.testing.EchoBackends;
import io.pilot4j.testing.GrpcXdsClient;
import io.pilot4j.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes registry end to end: a Service, EndpointSlices and Pods created through the Kubernetes client in a
 * fake API server (real HTTP and watches) become what grpc-java's own xDS client routes RPCs by, to loopback backends
 * standing in for the pods. Scaling moves traffic, Istio rules reach the registry, an API server outage changes
 * nothing and pushes nothing, deleting the Service takes its clusters away, and a ServiceEntry selecting WorkloadEntries
 * brings the host back on them. One server, one channel, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubeGrpcXdsClientTest {
    private static final String NS = "apps";
    private static final String HOST = "echo.apps.svc.cluster.local";
    private static final String CLUSTER = "outbound|7070||" + HOST;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private MockCluster cluster;
    private KubernetesClient kube;
    private EchoBackends backends;
    private RunningServer server;
    private GrpcXdsClient client;
    private ManagedChannel channel;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        backends = EchoBackends.startAsPods("backend-0", "backend-1", "backend-2");
        cluster = MockCluster.start();
        cluster.installIstioCrds();
        kube = cluster.client();
        kube.resource(Objects.namespace(NS, Map.of())).create();
        kube.resource(Objects.node("node-a", "eu-west1", "eu-west1-b")).create();
        kube.resource(Objects.grpcService(NS, "echo", "10.96.0.10", 7070)).create();
        for (int i = 0; i < 3; i++) {
            addPod(i);
        }

        server = RunningServer.startWithKubeconfig(cluster.writeKubeconfig(dir)).awaitReady();
        client = GrpcXdsClient.connect(server.grpcTarget(), "apps", "", "xds:///" + HOST + ":7070");
        channel = client.channel();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(client, server, cluster, backends);
    }

    /** A pod per backend, and the slice the EndpointSlice controller would write for it (its port is its own). */
    private void addPod(int i) {
        String pod = "echo-" + i;
        kube.resource(Objects.pod(NS, pod, backends.host(i), backends.port(i), "node-a", Map.of("app", "echo", "backend", backends.name(i))))
                .create();
        kube.resource(Objects.slice(NS, "echo-" + i, "echo", backends.port(i), pod, backends.host(i))).create();
    }

    private void removePod(int i) {
        kube.resources(io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice.class).inNamespace(NS).withName("echo-" + i).delete();
        kube.pods().inNamespace(NS).withName("echo-" + i).delete();
    }

    @Test
    @Order(1)
    void rpcsReachEveryPod() {
        awaitTrafficOn(Set.of("backend-0", "backend-1", "backend-2"));
    }

    @Test
    @Order(2)
    void scalingDownMovesTraffic() {
        removePod(2);
        awaitTrafficOn(Set.of("backend-0", "backend-1"));
    }

    @Test
    @Order(3)
    void istioRulesReachTheRegistry() {
        long pushes = server.server().discovery().pushCount();
        kube.resource(Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: echo, namespace: apps}
                spec:
                  hosts: [echo]
                  http: [{route: [{destination: {host: echo, subset: v1}}]}]
                """, VirtualService.class)).create();
        kube.resource(destinationRule("backend: backend-0")).create();
        Await.until(DEADLINE, "both rules in /debug/configz", () -> configzKinds().containsAll(List.of("VirtualService", "DestinationRule")),
                () -> configzKinds().toString());
        Await.until(DEADLINE, "a full push for the rules", () -> server.server().discovery().pushCount() > pushes);
        // The rules apply: subset v1 holds the one pod labelled backend-0, so every call goes there.
        awaitTrafficOn(Set.of("backend-0"));

        // An edited rule applies as well: v1 now holds every pod (all are app: echo), and traffic spreads again.
        kube.resource(destinationRule("app: echo")).createOrReplace();
        awaitTrafficOn(Set.of("backend-0", "backend-1"));
    }

    private static DestinationRule destinationRule(String subsetLabels) {
        return Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: echo, namespace: apps}
                spec:
                  host: echo
                  subsets: [{name: v1, labels: {%s}}]
                """.formatted(subsetLabels), DestinationRule.class);
    }

    @Test
    @Order(4)
    void anApiServerOutageChangesNothingAndPushesNothing() {
        long pushes = server.server().discovery().pushCount();
        cluster.stop();
        // While the API server is away: every RPC still lands on the last known pods, and the server stays ready.
        for (int round = 0; round < 5; round++) {
            assertEquals(Set.of("backend-0", "backend-1"), callMany(20));
            assertEquals(200, server.get("/ready").statusCode());
        }
        cluster.restart();

        // Nothing changed meanwhile: the first push after the outage is the scale-up made now, and traffic follows it.
        addPod(2);
        awaitTrafficOn(Set.of("backend-0", "backend-1", "backend-2"));
        assertEquals(pushes + 1, server.server().discovery().pushCount(),
                "one push since the outage began: the scale-up; none for the disconnect, the reconnect or the resync");
    }

    @Test
    @Order(5)
    void deletingTheServiceRemovesItsClusters() {
        assertTrue(server.get("/debug/config_dump?proxyID=client.apps").body().contains(CLUSTER));
        kube.services().inNamespace(NS).withName("echo").delete();
        Await.until(DEADLINE, "the cluster to leave what the client is served",
                () -> !server.get("/debug/config_dump?proxyID=client.apps").body().contains(CLUSTER),
                () -> server.get("/debug/config_dump?proxyID=client.apps").body());
        Await.until(DEADLINE, "RPCs to fail", () -> {
            try {
                EchoBackends.who(channel);
                return false;
            } catch (StatusRuntimeException e) {
                return true;
            }
        });
        assertFalse(server.get("/debug/registryz").body().contains(HOST));
    }

    @Test
    @Order(6)
    void aServiceEntrySelectingWorkloadEntriesFromTheClusterRoutesToThem() {
        kube.resource(Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: echo-vms, namespace: apps}
                spec:
                  hosts: [echo.apps.svc.cluster.local]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  workloadSelector: {labels: {workload: vm}}
                  ports: [{number: 7070, name: grpc, protocol: GRPC}]
                """, io.fabric8.istio.api.networking.v1.ServiceEntry.class)).create();
        for (int i = 0; i < 3; i++) {
            kube.resource(Yaml.read("""
                    apiVersion: networking.istio.io/v1
                    kind: WorkloadEntry
                    metadata: {name: vm-%d, namespace: apps}
                    spec: {address: %s, ports: {grpc: %d}, labels: {app: echo, workload: %s, backend: %s}}
                    """.formatted(i, backends.host(i), backends.port(i), i == 1 ? "other" : "vm", backends.name(i)),
                    io.fabric8.istio.api.networking.v1.WorkloadEntry.class)).create();
        }
        // The VirtualService of step 3 still sends everything to subset v1 (app: echo), which the entries are in.
        awaitTrafficOn(Set.of(backends.name(0), backends.name(2)));
    }

    private List<String> configzKinds() {
        try {
            List<String> kinds = new ArrayList<>();
            new ObjectMapper().readTree(server.get("/debug/configz").body()).forEach(n -> kinds.add(n.path("kind").asText()));
            return kinds;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void awaitTrafficOn(Set<String> expected) {
        List<String> failures = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Await.until(DEADLINE, "RPCs to spread over exactly " + expected, () -> {
            try {
                seen.clear();
                seen.addAll(callMany(30));
                return seen.equals(expected);
            } catch (StatusRuntimeException e) {
                failures.add(e.getStatus().toString());
                return false;
            }
        }, () -> "seen " + seen + ", last failures " + failures.subList(Math.max(0, failures.size() - 3), failures.size()));
    }

    private Set<String> callMany(int n) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            seen.add(EchoBackends.who(channel));
        }
        return seen;
    }
}
