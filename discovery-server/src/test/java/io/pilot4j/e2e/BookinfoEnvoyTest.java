package io.pilot4j.e2e;

import io.pilot4j.testing.Await;
import io.pilot4j.testing.Bookinfo;
import io.pilot4j.testing.Closeables;
import io.pilot4j.testing.EnvoyBinary;
import io.pilot4j.testing.EnvoyProcess;
import io.pilot4j.testing.FreePorts;
import io.pilot4j.testing.HttpBackends;
import io.pilot4j.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped Bookinfo rules ({@code examples/bookinfo/networking.yaml}, read as shipped) through a real Envoy
 * sidecar, with the example's services on loopback backends that answer with their version: jason sees reviews v2,
 * everyone else v1 or v3 80/20, and jason's calls to ratings wait the rule's 7 s while nobody else's do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BookinfoEnvoyTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Map<String, String> JASON = Map.of("end-user", "jason");

    @RegisterExtension
    final EnvoyProcess.LogOnFailure envoyLogs = new EnvoyProcess.LogOnFailure();

    private HttpBackends reviews;
    private HttpBackends ratings;
    private RunningServer server;
    private EnvoyProcess envoy;
    private int port;

    @BeforeAll
    void start(@TempDir Path configDir, @TempDir Path meshDir, @TempDir Path envoyDir) throws Exception {
        EnvoyBinary.assumeAvailable();
        reviews = HttpBackends.start("reviews-v1", "reviews-v2", "reviews-v3");
        ratings = HttpBackends.start("ratings-v1");
        port = FreePorts.pick(1)[0];
        Path mesh = meshDir.resolve("mesh.json");
        Files.writeString(mesh, "{\"defaultConfig\": {\"concurrency\": 1}}");
        server = RunningServer.start(configDir, mesh, true);
        server.writeConfig("services.yaml", Bookinfo.services("HTTP", port, List.of(reviews.port(0), reviews.port(1), reviews.port(2)),
                ratings.port(0)));
        server.writeConfig("networking.yaml", Bookinfo.networking());
        envoy = envoyLogs.watch(EnvoyProcess.bootstrap(envoyDir, "--id", "productpage-1.default", "--labels", "app=productpage",
                "--meshConfig", mesh.toString(), "--discoveryAddress", server.grpcTarget(), "--proxyLogLevel", "info"));
        // The rules are in once jason's request reaches v2 (before them, any version could answer).
        // Until Envoy has its listener, connections are refused.
        Await.until(WAIT, "jason's request to reviews answered by v2", () -> {
            try {
                return reviews("jason").equals("reviews-v2");
            } catch (java.io.UncheckedIOException e) {
                return false;
            }
        }, () -> server.get("/debug/push_status").body());
    }

    @AfterEach
    void envoyRejectedNothing() {
        envoy.assertNoRejectedUpdates();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(envoy, server, reviews, ratings);
    }

    @Test
    void jasonSeesReviewsV2Only() {
        for (int i = 0; i < 50; i++) {
            assertEquals("reviews-v2", reviews("jason"), "request " + i);
        }
    }

    @Test
    void everyoneElseGetsV1OrV3EightyTwenty() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            counts.merge(reviews(""), 1, Integer::sum);
        }
        int v1 = counts.getOrDefault("reviews-v1", 0);
        int v3 = counts.getOrDefault("reviews-v3", 0);
        assertEquals(400, v1 + v3, "only v1 and v3 serve users other than jason: " + counts);
        // 20% of 400 is 80 with a standard deviation of 8: +-32 (4 sigma) fails a correct split about once in 15,000 runs.
        assertTrue(v3 >= 48 && v3 <= 112, "v3 should get 20% +-8 points of 400 requests: " + counts);
    }

    @Test
    void jasonsCallsToRatingsWaitTheRulesDelayAndNobodyElses() {
        long delaysBefore = delaysInjected();
        long start = System.nanoTime();
        HttpBackends.Reply delayed = HttpBackends.get("127.0.0.1", port, Bookinfo.RATINGS, JASON);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(200, delayed.status(), delayed.body());
        assertEquals("ratings-v1", delayed.body());
        // A timer may fire a few milliseconds early against this clock (Envoy's dispatcher reads time once per loop):
        // 6.9 s still tells the rule's 7 s delay from none at all.
        assertTrue(took.compareTo(Duration.ofMillis(6900)) >= 0, "the 7s fixedDelay applies to jason, took " + took);
        assertEquals(delaysBefore + 1, delaysInjected());

        HttpBackends.Reply other = HttpBackends.get("127.0.0.1", port, Bookinfo.RATINGS);
        assertEquals(200, other.status(), other.body());
        assertEquals("ratings-v1", other.body());
        assertEquals(delaysBefore + 1, delaysInjected(), "no delay for a request without end-user: jason");
    }

    /** The version of reviews that answered, as {@code user} (empty: no end-user header). */
    private String reviews(String user) {
        HttpBackends.Reply r = HttpBackends.get("127.0.0.1", port, Bookinfo.REVIEWS, user.isEmpty() ? Map.of() : Map.of("end-user", user));
        return r.status() == 200 ? r.body() : "HTTP " + r.status();
    }

    /** Envoy's count of delays its fault filter injected, over its listeners. */
    private long delaysInjected() {
        return envoy.stats("fault\\.delays_injected$").values().stream().mapToLong(Long::longValue).sum();
    }
}
