package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.NamespaceListBuilder;
import io.fabric8.kubernetes.api.model.NodeListBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.WatchEventBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceListBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pilot4j.kube.testing.MockCluster;
import io.pilot4j.kube.testing.Objects;
import io.pilot4j.kube.testing.RecordingUpdater;
import io.pilot4j.kube.testing.RecordingUpdater.Push;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Kind;
import io.pilot4j.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 410 Gone, scripted with the mock server's expectations: the Services watch is told its resourceVersion is too old,
 * the informer relists, and the registry keeps every endpoint throughout and pushes exactly what the relist changed.
 */
class KubeRegistryGoneTest {
    private static final String WATCH = "?allowWatchBookmarks=true&resourceVersion=%s&timeoutSeconds=600&watch=true";
    private static final String HOST = "echo.apps.svc.cluster.local";

    @TempDir
    Path dir;
    private final KubernetesMockServer server = new KubernetesMockServer(false);
    private KubeRegistry registry;

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.close();
        }
        server.destroy();
    }

    @Test
    void goneRelistsWithoutDroppingStateAndPushesOnlyWhatChanged() throws Exception {
        server.init(InetAddress.getLoopbackAddress(), 0);
        server.expect().get().withPath("/apis/discovery.k8s.io/v1").andReturn(200, new APIResourceListBuilder()
                .withGroupVersion("discovery.k8s.io/v1").addNewResource().withName("endpointslices").withKind("EndpointSlice")
                .withNamespaced(true).endResource().build()).always();
        Service echo = Objects.grpcService("apps", "echo", "10.96.0.10", 7070);
        echo.getMetadata().setResourceVersion("1");
        Service relabelled = Objects.grpcService("apps", "echo", "10.96.0.10", 7070);
        relabelled.getMetadata().setLabels(Map.of("team", "blue"));
        relabelled.getMetadata().setResourceVersion("5");

        listAndWatch("/api/v1/namespaces", new NamespaceListBuilder().addToItems(Objects.namespace("apps", Map.of()))
                .withNewMetadata().withResourceVersion("1").endMetadata().build());
        listAndWatch("/api/v1/nodes", new NodeListBuilder().addToItems(Objects.node("node-a", "eu", "eu-a"))
                .withNewMetadata().withResourceVersion("1").endMetadata().build());
        listAndWatch("/api/v1/pods", new PodListBuilder()
                .addToItems(Objects.pod("apps", "echo-1", "10.1.0.1", 9001, "node-a", Map.of("app", "echo")))
                .withNewMetadata().withResourceVersion("1").endMetadata().build());
        listAndWatch("/apis/discovery.k8s.io/v1/endpointslices", new EndpointSliceListBuilder()
                .addToItems(Objects.slice("apps", "echo-abc", "echo", 9001, "echo-1", "10.1.0.1"))
                .withMetadata(new io.fabric8.kubernetes.api.model.ListMetaBuilder().withResourceVersion("1").build()).build());

        // Services: the first watch is answered "410 Gone"; the relist (without a resourceVersion) brings a change.
        server.expect().get().withPath("/api/v1/services?resourceVersion=0")
                .andReturn(200, new ServiceListBuilder().addToItems(echo).withNewMetadata().withResourceVersion("1").endMetadata().build())
                .once();
        WatchEvent gone = new WatchEventBuilder().withType("ERROR").withObject(new StatusBuilder().withCode(410)
                .withReason("Expired").withMessage("too old resource version: 1 (5)").build()).build();
        server.expect().get().withPath("/api/v1/services" + WATCH.formatted("1"))
                .andUpgradeToWebSocket().open().waitFor(500).andEmit(gone).done().once();
        server.expect().get().withPath("/api/v1/services")
                .andReturn(200, new ServiceListBuilder().addToItems(relabelled).withNewMetadata().withResourceVersion("6").endMetadata().build())
                .once();
        openWatch("/api/v1/services" + WATCH.formatted("6"));

        RecordingUpdater updater = new RecordingUpdater();
        KubeOptions options = new KubeOptions(ClusterSource.kubeconfig(MockCluster.writeKubeconfig(dir, server.url("/").replaceAll("/$", ""))),
                "cluster.local", Duration.ofMillis(100), Duration.ofSeconds(60));
        registry = new KubeRegistry(options, List::of, updater, Clock.systemUTC());
        updater.watch(registry);
        registry.start();
        Await.until(Duration.ofSeconds(20), "the registry to sync", registry::hasSynced, registry::syncStatus);
        var endpoints = registry.snapshot().endpoints().get(HOST);
        assertEquals(1, endpoints.size());

        Push relisted = updater.await(0);
        assertEquals(Set.of(new ConfigKey(Kind.SERVICE, "apps", "echo")), relisted.request().configsUpdated());
        assertEquals(Map.of("team", "blue"), relisted.snapshot().services().get(0).labels());
        assertEquals(endpoints, relisted.snapshot().endpoints().get(HOST), "no endpoint lost across the relist");
        assertEquals(1, updater.count(), "one push: the relist's one change, no removal in between");
        assertTrue(requestedPaths().contains("/api/v1/services"), "the informer relisted after 410 Gone");
    }

    /** A list at resourceVersion 0 (informers may read the API server's cache) and a watch that stays open. */
    private void listAndWatch(String path, KubernetesResourceList<?> list) {
        server.expect().get().withPath(path + "?resourceVersion=0").andReturn(200, list).always();
        openWatch(path + WATCH.formatted(list.getMetadata().getResourceVersion()));
    }

    /** A watch with no events that stays open: the mock closes a socket once it has nothing left to expect. */
    private void openWatch(String path) {
        server.expect().get().withPath(path).andUpgradeToWebSocket().open()
                .expectHttpRequest("/never").andEmit("").once().done().always();
    }

    private List<String> requestedPaths() throws InterruptedException {
        List<String> paths = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            paths.add(r.getPath());
        }
        return paths;
    }
}
