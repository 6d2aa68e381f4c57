package io.pilot4j.e2e;

import io.pilot4j.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that open connections to the HTTP and monitoring ports and then send their headers a byte at a time, or
 * nothing at all, must not make /ready, /debug or /metrics wait: the kubelet's probe and Prometheus' scrape each get
 * their answer within a second throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowHttpClientsTest {
    private static final int TRICKLING = 20;
    private static final int SILENT = 10;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);

    private RunningServer server;
    private final List<Socket> sockets = new ArrayList<>();
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build();

    @BeforeAll
    void start(@TempDir Path configDir) throws Exception {
        server = RunningServer.start(configDir).awaitReady();
    }

    @AfterAll
    void stop() throws IOException {
        trickle.shutdownNow();
        for (Socket s : sockets) {
            s.close();
        }
        server.close();
    }

    private void openSlowClients(int port) throws IOException {
        byte[] headers = ("GET /ready HTTP/1.1\r\nHost: slow\r\n" + "X-Slow: " + "s".repeat(200) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < TRICKLING; i++) {
            Socket s = new Socket("127.0.0.1", port);
            sockets.add(s);
            AtomicInteger next = new AtomicInteger();
            // A byte every 200 ms: the request stays unfinished for as long as the test runs.
            trickle.scheduleWithFixedDelay(() -> {
                try {
                    int at = next.getAndIncrement();
                    if (at < headers.length) {
                        s.getOutputStream().write(headers[at]);
                        s.getOutputStream().flush();
                    }
                } catch (IOException closedByServer) {
                    // The server may give up on it; the test only needs it to try.
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
        }
        for (int i = 0; i < SILENT; i++) {
            sockets.add(new Socket("127.0.0.1", port));
        }
    }

    private void answersQuickly(int port, String path) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(ANSWER_WITHIN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        assertTrue(System.nanoTime() - start < ANSWER_WITHIN.toNanos(), path);
    }

    @Test
    void readinessDebugAndMetricsAnswerWithinASecondWhileSlowClientsHangOn() throws Exception {
        int http = server.server().httpAddress().getPort();
        int monitoring = server.server().monitoringAddress().getPort();
        openSlowClients(http);
        openSlowClients(monitoring);

        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int rounds = 0;
        while (System.nanoTime() < end) {
            answersQuickly(http, "/ready");
            answersQuickly(http, "/debug/syncz");
            answersQuickly(monitoring, "/metrics");
            rounds++;
        }
        assertTrue(rounds > 3, rounds + " rounds");
    }
}
