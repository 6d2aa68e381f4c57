package io.pilot4j.e2e;

import io.pilot4j.kube.testing.KubeApiServer;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.RunningServer;
import io.pilot4j.testing.Scrape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A watch RBAC refuses while list is allowed, against a real kube-apiserver: the server is ready (it serves the last
 * listed state, kept current by relists) and says what is degraded on /ready and in pilot4j_k8s_watch_degraded.
 */
class KubeDegradedWatchTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static KubeApiServer cluster;
    private RunningServer server;

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

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRefusedWatchKeepsReadyAt200AndIsNamedOnReadyAndInAGauge(@TempDir Path dir) throws Exception {
        cluster.grant(KubeApiServer.RESTRICTED, "pilot4j-no-namespace-watch", KubeApiServer.registryRules(false));
        server = RunningServer.startWithKubeconfig(cluster.writeKubeconfig(dir, KubeApiServer.RESTRICTED)).awaitReady();

        Await.until(DEADLINE, "/ready to name the refused watch", () -> server.get("/ready").body().contains("degraded:"),
                () -> server.get("/ready").body());
        HttpResponse<String> ready = server.get("/ready");
        assertEquals(200, ready.statusCode(), "the last listed state is served, kept current by relists");
        assertTrue(ready.body().startsWith("ready\ndegraded: Kubernetes: not watching namespaces: forbidden: cannot watch namespaces"),
                ready.body());
        assertTrue(ready.body().contains("User \"restricted\" cannot watch resource \"namespaces\""), ready.body());

        Scrape metrics = Scrape.parse(server.getMonitoring("/metrics").body());
        assertEquals("gauge", metrics.type("pilot4j_k8s_watch_degraded"));
        assertEquals(1.0, metrics.value("pilot4j_k8s_watch_degraded", "resource", "namespaces"));
        assertEquals(0.0, metrics.value("pilot4j_k8s_watch_degraded", "resource", "services"));
    }
}
