package io.pilot4j.e2e;

import io.envoyproxy.controlplane.cache.Resources;
import io.grpc.Status;
import io.pilot4j.kube.testing.MockCluster;
import io.pilot4j.kube.testing.Objects;
import io.pilot4j.testing.AdsClient;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.DeltaAdsClient;
import io.pilot4j.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Start-up against an API server that is not there yet: the server listens at once, /ready is 503 and says why,
 * xDS streams get UNAVAILABLE (clients back off and retry), and everything comes up when the API server does.
 */
class KubeStartupTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String NODE = "sidecar~10.1.0.9~client.apps~apps.svc.cluster.local";

    private RunningServer server;
    private MockCluster cluster;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void unreachableApiServerKeepsReadyAt503AndStreamsUnavailableUntilItAnswers(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        server = RunningServer.startWithKubeconfig(MockCluster.writeKubeconfig(dir, "http://127.0.0.1:" + port));

        Await.until(DEADLINE, "/ready to name the unreachable API server", () -> {
            HttpResponse<String> ready = server.get("/ready");
            return ready.statusCode() == 503 && ready.body().contains("cannot reach the API server at http://127.0.0.1:" + port);
        }, () -> server.get("/ready").body());
        try (AdsClient ads = new AdsClient(server.grpcTarget(), NODE, Map.of("NAMESPACE", "apps"))) {
            ads.send(Resources.V3.CLUSTER_TYPE_URL, List.of(), "", "");
            Status refused = Status.fromThrowable(ads.error(Duration.ofSeconds(10)));
            assertEquals(Status.Code.UNAVAILABLE, refused.getCode());
            assertEquals("server is not ready to serve discovery information", refused.getDescription());
        }
        try (DeltaAdsClient delta = new DeltaAdsClient(server.grpcTarget(), NODE, Map.of("NAMESPACE", "apps"))) {
            delta.subscribe(Resources.V3.CLUSTER_TYPE_URL, List.of());
            Status refused = Status.fromThrowable(delta.error(Duration.ofSeconds(10)));
            assertEquals(Status.Code.UNAVAILABLE, refused.getCode(), "delta streams wait for the registries too");
        }

        cluster = MockCluster.startOn(port);
        cluster.client().resource(Objects.namespace("apps", Map.of())).create();
        cluster.client().resource(Objects.grpcService("apps", "echo", "10.96.0.10", 7070)).create();
        server.awaitReady();

        try (AdsClient ads = new AdsClient(server.grpcTarget(), NODE, Map.of("NAMESPACE", "apps"))) {
            ads.send(Resources.V3.CLUSTER_TYPE_URL, List.of(), "", "");
            String clusters = ads.next(Duration.ofSeconds(10)).getResourcesList().toString();
            assertTrue(clusters.contains("outbound|7070||echo.apps.svc.cluster.local"), clusters);
        }
    }
}
