package io.pilot4j.serviceregistry.kube;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pilot4j.kube.Yaml;
import io.pilot4j.kube.testing.KubeApiServer;
import io.pilot4j.kube.testing.Objects;
import io.pilot4j.kube.testing.RecordingUpdater;
import io.pilot4j.mesh.LabelSelector;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Kind;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.LogCapture;
import io.pilot4j.testing.MovableClock;
import io.pilot4j.testing.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes registry against a real kube-apiserver and etcd: what only the real server shows. A watch RBAC
 * refuses while list is allowed, an Istio CRD deleted and created again, watches cut and reopened (as the server
 * and load balancers end them routinely) against a real outage.
 */
class KubeRegistryApiServerTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    /** Small, so that fabric8's backoff (up to 32 times this) and the registry's checks play out in test time. */
    private static final Duration RETRY = Duration.ofMillis(100);
    private static KubeApiServer cluster;

    @TempDir
    Path dir;
    private final RecordingUpdater updater = new RecordingUpdater();
    private final MovableClock clock = new MovableClock();
    private LogCapture log;
    private KubeRegistry registry;
    private TcpProxy proxy;

    @BeforeAll
    static void startCluster() {
        cluster = KubeApiServer.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void captureLog() {
        log = LogCapture.of("kube");
    }

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        log.close();
    }

    private KubernetesClient kube() {
        return cluster.adminClient();
    }

    private void startRegistry(Path kubeconfig, Supplier<List<LabelSelector>> selectors, Clock clock) {
        KubeOptions options = new KubeOptions(ClusterSource.kubeconfig(kubeconfig), "cluster.local", RETRY, Duration.ofMillis(300));
        registry = new KubeRegistry(options, selectors, updater, clock);
        updater.watch(registry);
        registry.start();
        Await.until(DEADLINE, "the registry to sync", registry::hasSynced, registry::syncStatus);
    }

    private void createNamespace(String name, Map<String, String> labels) {
        kube().resource(Objects.namespace(name, labels)).serverSideApply();
    }

    @Test
    void aRefusedWatchIsNamedOnceWithTheServersReasonAndTheStateIsKeptCurrentByRelists() {
        cluster.grant(KubeApiServer.RESTRICTED, "pilot4j-no-namespace-watch", KubeApiServer.registryRules(false));
        createNamespace("rbac", Map.of());
        kube().resource(Objects.grpcService("rbac", "echo", "10.96.1.10", 7070)).serverSideApply();
        List<LabelSelector> selectors = List.of(new LabelSelector(Map.of("rbac-test", "on"), List.of()));
        startRegistry(cluster.writeKubeconfig(dir, KubeApiServer.RESTRICTED), () -> selectors, clock);

        Await.until(DEADLINE, "a warning that names the refused verb with the API server's reason",
                () -> !log.containing("cannot watch namespaces").isEmpty(), log::toString);
        String warning = log.containing("cannot watch namespaces").get(0);
        assertTrue(warning.startsWith("WARN "), warning);
        assertTrue(warning.contains("User \"restricted\" cannot watch resource \"namespaces\" in API group \"\" at the cluster scope"),
                warning);
        assertTrue(!warning.contains("lost the watch"), warning);
        assertEquals(Set.of("namespaces"), registry.degradedWatches());
        assertTrue(registry.degradedStatus().startsWith("not watching namespaces: forbidden: cannot watch namespaces"),
                registry.degradedStatus());

        // Relists keep the registry current: each namespace change shows within fabric8's backoff (32 x RETRY).
        assertEquals(List.of(), registry.snapshot().services(), "namespace rbac is not selected yet");
        createNamespace("rbac", Map.of("rbac-test", "on"));
        Await.until(DEADLINE, "a relist to select namespace rbac", () -> registry.snapshot().services().size() == 1,
                log::toString);
        createNamespace("rbac", Map.of("rbac-test", "off"));
        Await.until(DEADLINE, "another relist to deselect it", () -> registry.snapshot().services().isEmpty(), log::toString);

        List<String> aboutNamespaces = log.containing("namespaces");
        assertEquals(1, aboutNamespaces.size(), "one line however many relists: " + log);
        assertEquals(List.of(), log.containing("watching again"), "no watch was open again");
        assertEquals(List.of(), log.containing("lost the watch"), "the API server was never lost");
    }

    @Test
    void aRefusedWatchIsRemindedEveryTenMinutesAndReportedWhenAllowed() {
        cluster.grant(KubeApiServer.RESTRICTED, "pilot4j-no-namespace-watch", KubeApiServer.registryRules(false));
        startRegistry(cluster.writeKubeconfig(dir, KubeApiServer.RESTRICTED), List::of, clock);
        Await.until(DEADLINE, "the refused watch to be reported", () -> !log.containing("cannot watch namespaces").isEmpty(),
                log::toString);

        clock.advance(Duration.ofMinutes(10));
        Await.until(DEADLINE, "a reminder that the watch is still refused",
                () -> log.matching(l -> l.contains("namespaces") && l.contains("still")).size() == 1, log::toString);

        cluster.grant(KubeApiServer.RESTRICTED, "pilot4j-no-namespace-watch", KubeApiServer.registryRules(true));
        Await.until(DEADLINE, "the watch to open once allowed", registry::watching, log::toString);
        Await.until(DEADLINE, "a line saying so", () -> !log.containing("namespaces: watching again").isEmpty(), log::toString);
        Await.until(DEADLINE, "the degradation to be over", () -> registry.degradedStatus().isEmpty(), registry::degradedStatus);
        assertEquals(Set.of(), registry.degradedWatches());
    }

    @Test
    void aDeletedCrdIsNamedItsObjectsAreDroppedAndItIsPickedUpWhenCreatedAgain() {
        cluster.installIstioCrd("virtualservices");
        createNamespace("crd", Map.of());
        kube().resource(virtualService("crd", "echo")).create();
        ConfigKey echo = new ConfigKey(Kind.VIRTUAL_SERVICE, "crd", "echo");
        startRegistry(cluster.writeKubeconfig(dir, KubeApiServer.ADMIN), List::of, clock);
        assertTrue(registry.configs().stream().anyMatch(c -> c.key().equals(echo)), () -> registry.configs().toString());

        cluster.deleteIstioCrd("virtualservices");
        Await.until(DEADLINE, "a line naming the deleted CRD",
                () -> log.matching(l -> l.contains("virtualservices.networking.istio.io") && l.contains("CRD") && l.contains("deleted")).size() == 1,
                log::toString);
        Await.until(DEADLINE, "its objects to be dropped", () -> registry.configs().stream().noneMatch(c -> c.key().kind() == Kind.VIRTUAL_SERVICE), () -> registry.configs().toString());
        assertEquals(List.of(), log.containing("lost the watch"), "the API server was never lost: " + log);

        cluster.installIstioCrd("virtualservices");
        kube().resource(virtualService("crd", "again")).create();
        ConfigKey again = new ConfigKey(Kind.VIRTUAL_SERVICE, "crd", "again");
        Await.until(DEADLINE, "the kind to be read again once its CRD is back",
                () -> registry.configs().stream().anyMatch(c -> c.key().equals(again)), log::toString);
        cluster.deleteIstioCrd("virtualservices");
    }

    @Test
    void cutWatchesThatReopenAreNoOutageButAStoppedApiServerIsReportedAtOnce() throws Exception {
        createNamespace("renew", Map.of());
        proxy = TcpProxy.to("127.0.0.1", java.net.URI.create(cluster.url()).getPort());
        Path kubeconfig = cluster.writeKubeconfig(dir, KubeApiServer.ADMIN);
        Files.writeString(kubeconfig, Files.readString(kubeconfig).replace(cluster.url(), "https://127.0.0.1:" + proxy.port()));
        startRegistry(kubeconfig, List::of, clock);
        Await.until(DEADLINE, "every watch to open", registry::watching, log::toString);

        // Every watch ends and fabric8 reopens it after RETRY, each reconnection taking longer than two of the
        // registry's checks: what a renewal looks like on a loaded API server.
        proxy.delayConnections(RETRY.multipliedBy(6));
        proxy.dropConnections();
        Await.until(DEADLINE, "the watches to drop", () -> !registry.watching());
        Await.until(DEADLINE, "the watches to reopen", registry::watching, log::toString);
        kube().resource(Objects.grpcService("renew", "after", "10.96.2.10", 80)).create();
        updater.await(0);
        assertEquals(List.of(), log.containing("lost the watch"), "watches renewed, the API server was never lost: " + log);
        assertEquals(List.of(), log.containing("watching"), "nothing to report: " + log);

        proxy.delayConnections(Duration.ZERO);
        int services = registry.snapshot().services().size();
        cluster.stopApiServer();
        try {
            Await.until(DEADLINE, "the outage to be reported", () -> !log.containing("lost the watch").isEmpty(), log::toString);
            assertEquals(services, registry.snapshot().services().size(), "the last known state is served meanwhile");
            Await.until(DEADLINE, "/ready and the gauges to name the watches closed by the outage",
                    () -> registry.degradedWatches().contains("services"), registry::degradedStatus);
        } finally {
            cluster.startApiServer();
        }
        Await.until(DEADLINE, "the end of the outage to be reported", () -> !log.containing("again").isEmpty(), log::toString);
        assertTrue(registry.watching(), "said once every watch is open again");
        assertEquals(1, log.containing("lost the watch").size(), log.toString());
        assertEquals(1, log.containing("again").size(), "one line each way: " + log);
        Await.until(DEADLINE, "the degradation to be over", () -> registry.degradedWatches().isEmpty(), registry::degradedStatus);
    }

    private static VirtualService virtualService(String namespace, String name) {
        return Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: %s, namespace: %s}
                spec:
                  hosts: [echo]
                  http: [{route: [{destination: {host: echo}}]}]
                """.formatted(name, namespace), VirtualService.class);
    }
}
