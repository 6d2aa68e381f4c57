package io.pilot4j.serviceregistry.kube;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pilot4j.kube.Yaml;
import io.pilot4j.kube.testing.MockCluster;
import io.pilot4j.kube.testing.Objects;
import io.pilot4j.kube.testing.RecordingUpdater;
import io.pilot4j.kube.testing.RecordingUpdater.Push;
import io.pilot4j.mesh.LabelSelector;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Kind;
import io.pilot4j.model.Locality;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.TriggerReason;
import io.pilot4j.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes registry against a fake API server over HTTP: what it builds from the cluster, which pushes each
 * change raises, and how it behaves when the cluster misbehaves (unreachable, RBAC refusal, missing CRD, outage).
 */
class KubeRegistryTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String HOST = "echo.apps.svc.cluster.local";
    private static final ConfigKey SLICE = new ConfigKey(Kind.ENDPOINT_SLICE, "apps", "echo-abc");

    @TempDir
    Path dir;
    private MockCluster cluster;
    private KubernetesClient kube;
    private KubeRegistry registry;
    private final RecordingUpdater updater = new RecordingUpdater();
    private final List<LabelSelector> selectors = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startCluster() {
        cluster = MockCluster.start();
        kube = cluster.client();
    }

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void startRegistry(Path kubeconfig) {
        KubeOptions options = new KubeOptions(ClusterSource.kubeconfig(kubeconfig), "cluster.local",
                Duration.ofMillis(100), Duration.ofMillis(200));
        registry = new KubeRegistry(options, () -> List.copyOf(selectors), updater, Clock.systemUTC());
        updater.watch(registry);
        registry.start();
    }

    private void startRegistry() {
        startRegistry(cluster.writeKubeconfig(dir));
    }

    private void awaitSynced() {
        Await.until(DEADLINE, "the registry to sync", registry::hasSynced, registry::syncStatus);
    }

    /** One Service "echo" in namespace "apps" with one pod behind it, on a node in eu-west1-b. */
    private void createEcho() {
        kube.resource(Objects.namespace("apps", Map.of())).create();
        kube.resource(Objects.node("node-a", "eu-west1", "eu-west1-b")).create();
        kube.resource(Objects.grpcService("apps", "echo", "10.96.0.10", 7070)).create();
        kube.resource(Objects.pod("apps", "echo-1", "10.1.0.1", 9001, "node-a", Map.of("app", "echo", "version", "v1"))).create();
        kube.resource(Objects.slice("apps", "echo-abc", "echo", 9001, "echo-1", "10.1.0.1")).create();
    }

    private List<Endpoint> echoEndpoints() {
        return registry.snapshot().endpoints().getOrDefault(HOST, List.of());
    }

    private static Endpoint endpoint(String ip, int port, Map<String, String> labels, Locality locality) {
        return new Endpoint(ip, port, "grpc", labels, locality, 1, HealthStatus.HEALTHY, "echo-sa");
    }

    private static final Locality EU_B = new Locality("eu-west1", "eu-west1-b", "");

    @Test
    void endpointsGetTheirPodsLabelsServiceAccountAndNodeLocality() {
        createEcho();
        startRegistry();
        awaitSynced();

        assertEquals(List.of(endpoint("10.1.0.1", 9001, Map.of("app", "echo", "version", "v1"), EU_B)), echoEndpoints());
        assertEquals(0, updater.count(), "the initial sync raises no push");
        assertEquals(List.of(new ConfigKey(Kind.SERVICE, "apps", "echo"), SLICE),
                registry.configs().stream().map(c -> c.key()).toList());
    }

    @Test
    void endpointPodAndNodeChangesAreEdsPushesServiceChangesFullPushes() {
        createEcho();
        startRegistry();
        awaitSynced();

        // Scale up: a second pod (on a port of its own, so in a slice of its own) joins.
        kube.resource(Objects.pod("apps", "echo-2", "10.1.0.2", 9002, "node-a", Map.of("app", "echo", "version", "v2"))).create();
        kube.resource(Objects.slice("apps", "echo-def", "echo", 9002, "echo-2", "10.1.0.2")).create();
        Push scaled = updater.await(0);
        assertEquals(PushRequest.endpoints(Set.of(new ConfigKey(Kind.ENDPOINT_SLICE, "apps", "echo-def")), Set.of(HOST), scaled.request().start()),
                scaled.request());
        assertEquals(2, scaled.snapshot().endpoints().get(HOST).size());

        // A pod relabelled: the slice itself is unchanged, its endpoints are not.
        kube.pods().inNamespace("apps").withName("echo-1").edit(p -> {
            p.getMetadata().getLabels().put("version", "v1b");
            return p;
        });
        Push relabelled = updater.await(1);
        assertEquals(Set.of(SLICE), relabelled.request().configsUpdated());
        assertFalse(relabelled.request().full());
        assertTrue(relabelled.snapshot().endpoints().get(HOST).contains(endpoint("10.1.0.1", 9001, Map.of("app", "echo", "version", "v1b"), EU_B)));

        // The node moves zone: both slices' endpoints move with it.
        kube.nodes().withName("node-a").edit(n -> {
            n.getMetadata().getLabels().put("topology.kubernetes.io/zone", "eu-west1-c");
            return n;
        });
        Push moved = updater.await(2);
        assertFalse(moved.request().full());
        assertEquals(Set.of(SLICE, new ConfigKey(Kind.ENDPOINT_SLICE, "apps", "echo-def")), moved.request().configsUpdated());
        assertTrue(moved.snapshot().endpoints().get(HOST).stream().allMatch(e -> e.locality().zone().equals("eu-west1-c")));

        // A new Service is a full push.
        kube.resource(Objects.grpcService("apps", "other", "10.96.0.11", 8080)).create();
        Push added = updater.await(3);
        assertEquals(PushRequest.full(TriggerReason.SERVICE, Set.of(new ConfigKey(Kind.SERVICE, "apps", "other")), added.request().start()),
                added.request());

        // Deleting echo is a full push that removes it.
        kube.services().inNamespace("apps").withName("echo").delete();
        Push deleted = updater.await(4);
        assertTrue(deleted.request().full());
        assertTrue(deleted.request().configsUpdated().contains(new ConfigKey(Kind.SERVICE, "apps", "echo")));
        assertTrue(deleted.snapshot().services().stream().noneMatch(s -> s.hostname().equals(HOST)));
    }

    @Test
    void anEndpointSliceDeletedOnItsOwnIsAnEdsPushRemovingItsEndpoints() {
        createEcho();
        kube.resource(Objects.pod("apps", "echo-2", "10.1.0.2", 9002, "node-a", Map.of("app", "echo", "version", "v2"))).create();
        kube.resource(Objects.slice("apps", "echo-def", "echo", 9002, "echo-2", "10.1.0.2")).create();
        startRegistry();
        awaitSynced();
        assertEquals(2, echoEndpoints().size());

        // The slice goes, its pod stays (an EndpointSlice controller rebalancing, a hand-made slice removed).
        kube.resources(io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice.class).inNamespace("apps").withName("echo-def").delete();
        Push deleted = updater.await(0);
        assertEquals(PushRequest.endpoints(Set.of(new ConfigKey(Kind.ENDPOINT_SLICE, "apps", "echo-def")), Set.of(HOST), deleted.request().start()),
                deleted.request());
        assertEquals(List.of(endpoint("10.1.0.1", 9001, Map.of("app", "echo", "version", "v1"), EU_B)),
                deleted.snapshot().endpoints().get(HOST), "the other slice's endpoint stays, the deleted one's goes");
        assertTrue(kube.pods().inNamespace("apps").withName("echo-2").get() != null, "the pod was not touched");
    }

    @Test
    void anEndpointWaitsForItsPodAndNotReadyEndpointsAreUnhealthy() {
        createEcho();
        startRegistry();
        awaitSynced();

        // The EndpointSlice controller can be faster than the pod informer: the endpoint waits, as in Istio.
        EndpointSlice early = Objects.slice("apps", "echo-def", "echo", 9002, "echo-2", "10.1.0.2");
        early.getEndpoints().get(0).getConditions().setReady(false);
        kube.resource(early).create();
        kube.resource(Objects.grpcService("apps", "fence", "10.96.0.12", 80)).create();
        Push fence = updater.await(0);
        assertEquals(Set.of(new ConfigKey(Kind.SERVICE, "apps", "fence")), fence.request().configsUpdated(),
                "the slice whose pod is unknown contributes nothing yet");

        kube.resource(Objects.pod("apps", "echo-2", "10.1.0.2", 9002, "node-a", Map.of("app", "echo"))).create();
        Push arrived = updater.await(1);
        assertEquals(Set.of(new ConfigKey(Kind.ENDPOINT_SLICE, "apps", "echo-def")), arrived.request().configsUpdated());
        assertTrue(arrived.snapshot().endpoints().get(HOST).stream()
                .anyMatch(e -> e.address().equals("10.1.0.2") && e.health() == HealthStatus.UNHEALTHY));
    }

    @Test
    void istioRulesReachTheRegistryAndOnlyTheirSpecCounts() {
        cluster.installIstioCrds();
        createEcho();
        startRegistry();
        awaitSynced();

        VirtualService vs = Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: echo, namespace: apps}
                spec:
                  hosts: [echo]
                  http: [{route: [{destination: {host: echo, subset: v1}}]}]
                """, VirtualService.class);
        kube.resource(vs).create();
        Push created = updater.await(0);
        ConfigKey key = new ConfigKey(Kind.VIRTUAL_SERVICE, "apps", "echo");
        assertEquals(PushRequest.full(TriggerReason.CONFIG, Set.of(key), created.request().start()), created.request());
        assertTrue(registry.configs().stream().anyMatch(c -> c.key().equals(key)));

        // A status written by a controller changes nothing a proxy sees: no push. The fence proves it.
        kube.resources(VirtualService.class).inNamespace("apps").withName("echo").edit(v -> {
            io.fabric8.istio.api.api.meta.v1alpha1.IstioStatus status = new io.fabric8.istio.api.api.meta.v1alpha1.IstioStatus();
            status.setObservedGeneration(1L);
            v.setStatus(status);
            return v;
        });
        kube.resource(Objects.grpcService("apps", "fence", "10.96.0.12", 80)).create();
        Push fence = updater.await(1);
        assertEquals(Set.of(new ConfigKey(Kind.SERVICE, "apps", "fence")), fence.request().configsUpdated());
    }

    @Test
    void aMissingCrdIsIgnoredUntilItIsInstalled() {
        createEcho();
        startRegistry();
        awaitSynced();

        cluster.installIstioCrd("destinationrules");
        kube.resource(Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: echo, namespace: apps}
                spec:
                  host: echo
                  subsets: [{name: v1, labels: {version: v1}}]
                """, io.fabric8.istio.api.networking.v1.DestinationRule.class)).create();
        Push found = updater.await(0);
        assertEquals(Set.of(new ConfigKey(Kind.DESTINATION_RULE, "apps", "echo")), found.request().configsUpdated());
    }

    @Test
    void aRingHashFromTheClusterIsReadThoughFabric8sModelCannotReadIt() {
        cluster.installIstioCrds();
        createEcho();
        startRegistry();
        awaitSynced();

        kube.resource(Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: echo, namespace: apps}
                spec:
                  host: echo
                  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user, ringHash: {minimumRingSize: 4096}}}}
                """, io.fabric8.istio.api.networking.v1.DestinationRule.class)).create();
        updater.await(0);
        var hash = registry.snapshot().rules().destinationRules().get(0).trafficPolicy().loadBalancer().orElseThrow()
                .consistentHash().orElseThrow();
        assertEquals(4096, hash.minimumRingSize());
        assertEquals(List.of(), registry.snapshot().errors());
    }

    @Test
    void discoverySelectorsLimitTheNamespacesRead() {
        selectors.add(new LabelSelector(Map.of("istio-discovery", "enabled"), List.of()));
        createEcho();
        startRegistry();
        awaitSynced();
        assertEquals(List.of(), registry.snapshot().services(), "namespace apps is not selected");

        kube.namespaces().withName("apps").edit(n -> {
            n.getMetadata().getLabels().put("istio-discovery", "enabled");
            return n;
        });
        Push selected = updater.await(0);
        assertTrue(selected.request().full());
        assertEquals(List.of(HOST), selected.snapshot().services().stream().map(s -> s.hostname()).toList());

        // The mesh config changes: no selectors means every namespace, as in Istio.
        selectors.clear();
        selectors.add(new LabelSelector(Map.of("team", "other"), List.of()));
        registry.meshChanged();
        Push deselected = updater.await(1);
        assertEquals(List.of(), deselected.snapshot().services());
    }

    @Test
    void rbacRefusalNamesTheResourceAndTheMissingVerbAndSyncsOnceGranted() {
        createEcho();
        cluster.forbid("/api/v1/pods", "list", "pods");
        startRegistry();

        Await.until(DEADLINE, "/ready's reason to name pods and the list verb",
                () -> registry.syncStatus().contains("forbidden: cannot list pods"), registry::syncStatus);
        assertTrue(registry.syncStatus().contains("get, list and watch on pods"), registry.syncStatus());
        assertFalse(registry.hasSynced());

        cluster.allow("/api/v1/pods");
        awaitSynced();
        assertEquals(1, echoEndpoints().size());
    }

    @Test
    void anUnreachableApiServerIsRetriedUntilItAnswers() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        cluster.close();
        cluster = null;
        startRegistry(MockCluster.writeKubeconfig(dir, "http://127.0.0.1:" + port));

        Await.until(DEADLINE, "the reason to say the API server cannot be reached",
                () -> registry.syncStatus().startsWith("cannot reach the API server at http://127.0.0.1:" + port), registry::syncStatus);
        assertFalse(registry.hasSynced());

        cluster = MockCluster.startOn(port);
        kube = cluster.client();
        createEcho();
        awaitSynced();
        assertEquals(1, echoEndpoints().size());
    }

    @Test
    void anOutageKeepsTheLastStateAndPushesNothingWhenNothingChanged() {
        createEcho();
        startRegistry();
        awaitSynced();
        var before = registry.snapshot();

        cluster.stop();
        Await.until(DEADLINE, "the watches to drop", () -> !registry.watching());
        assertEquals(before, registry.snapshot(), "the last known state is kept while the API server is away");

        cluster.restart();
        Await.until(DEADLINE, "the watches to come back", registry::watching);
        assertEquals(before, registry.snapshot());

        // Nothing changed meanwhile, so the first push after the outage is the fence, alone.
        kube.resource(Objects.grpcService("apps", "fence", "10.96.0.12", 80)).create();
        Push fence = updater.await(0);
        assertEquals(Set.of(new ConfigKey(Kind.SERVICE, "apps", "fence")), fence.request().configsUpdated());
        assertEquals(1, updater.count());
        assertEquals(before.endpoints().get(HOST), fence.snapshot().endpoints().get(HOST));
    }

}
