package io.pilot4j.xds;

import io.envoyproxy.controlplane.cache.Resources;
import io.grpc.Status;
import io.pilot4j.push.PushTuning;
import io.pilot4j.testing.AdsClient;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.MemoryRegistry;
import io.pilot4j.testing.XdsTestServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What keeps a fleet of clients from overwhelming one replica, or staying on it for ever. */
class StreamLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;

    private final MemoryRegistry registry = new MemoryRegistry()
            .put(MemoryRegistry.http("reviews", "default", 9080, "10.96.0.1", "*"), MemoryRegistry.endpoints("http-9080", 9080, "10.1.0.1"));

    @Test
    void newStreamsBeyondTheRateWaitTheirTurnOrAreRefused() throws Exception {
        // One stream a second: the first is served at once, the second within a second, the third would wait two and is refused.
        try (XdsTestServer server = XdsTestServer.start(registry, new PushTuning(Duration.ofMillis(10), Duration.ofSeconds(1), 100, 1))) {
            List<AdsClient> clients = new ArrayList<>();
            List<CompletableFuture<Object>> outcomes = new ArrayList<>();
            try {
                long start = System.nanoTime();
                for (int i = 0; i < 3; i++) {
                    AdsClient c = new AdsClient(server.target(), "sidecar~10.1.0." + (i + 1) + "~app-" + i + ".default~default.svc.cluster.local", Map.of());
                    clients.add(c);
                    c.send(CDS, List.of(), "", "");
                    outcomes.add(CompletableFuture.supplyAsync(() -> outcome(c)));
                }
                int served = 0;
                int refused = 0;
                long lastServedNanos = 0;
                for (CompletableFuture<Object> o : outcomes) {
                    Object result = o.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    if (result instanceof Status status) {
                        assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode(), status.toString());
                        assertEquals("request rate limit exceeded", status.getDescription());
                        refused++;
                    } else {
                        served++;
                        lastServedNanos = Math.max(lastServedNanos, (Long) result - start);
                    }
                }
                assertEquals(2, served);
                assertEquals(1, refused, "Istio's answer to a stream that would wait more than a second: retry later, or elsewhere");
                assertTrue(lastServedNanos >= TimeUnit.MILLISECONDS.toNanos(900), "the second stream waited its turn: "
                        + TimeUnit.NANOSECONDS.toMillis(lastServedNanos) + " ms");
            } finally {
                clients.forEach(AdsClient::close);
            }
        }
    }

    /** When the first response arrived (System.nanoTime), or the status the stream was refused with. */
    private static Object outcome(AdsClient client) {
        try {
            client.next(WAIT);
            return System.nanoTime();
        } catch (AssertionError e) {
            return Status.fromThrowable(e.getCause());
        }
    }

    @Test
    void anOldConnectionIsClosedSoItsClientReconnectsWherever() throws Exception {
        try (XdsTestServer server = XdsTestServer.start(registry, XdsTestServer.fast(), Duration.ofSeconds(1), Duration.ofMillis(100));
             AdsClient envoy = new AdsClient(server.target(), "sidecar~10.1.0.1~app-1.default~default.svc.cluster.local", Map.of())) {
            envoy.send(CDS, List.of(), "", "");
            assertEquals(CDS, envoy.next(WAIT).getTypeUrl());
            assertEquals(1, server.discovery().syncStatus().size());

            Throwable ended = envoy.error(WAIT);
            assertNotNull(ended, "the stream ends once the connection is a second old, after the grace period");
            assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(ended).getCode(), ended.toString());
            Await.until(WAIT, "the server to forget the connection", () -> server.discovery().syncStatus().isEmpty());

            try (AdsClient again = new AdsClient(server.target(), "sidecar~10.1.0.1~app-1.default~default.svc.cluster.local", Map.of())) {
                again.send(CDS, List.of(), "", "");
                assertEquals(CDS, again.next(WAIT).getTypeUrl(), "a reconnecting client is served as any other");
            }
        }
    }
}
