package io.pilot4j.e2e;

import io.pilot4j.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The discovery command as a user runs it, in its own JVM, on the bundled example: ephemeral ports are
 * bound and logged, /ready turns 200, the example's services are served, and /metrics counts them.
 */
class DiscoveryProcessTest {
    private static final Pattern GRPC = Pattern.compile("gRPC \\(xDS\\) listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern HTTP = Pattern.compile("HTTP \\(ready, debug\\) listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern MONITORING = Pattern.compile("monitoring \\(metrics\\) listening on 127\\.0\\.0\\.1:(\\d+)");

    @Test
    void servesTheBundledExampleOnEphemeralPorts() throws Exception {
        try (Discovery process = Discovery.start("--configDir", "../examples/bookinfo")) {
            List<String> lines = process.lines;
            Await.until(Duration.ofSeconds(30), "the three bound addresses in the log",
                    () -> find(lines, GRPC) != null && find(lines, HTTP) != null && find(lines, MONITORING) != null,
                    () -> String.join("\n", lines));
            int httpPort = Integer.parseInt(find(lines, HTTP));
            HttpClient client = HttpClient.newHttpClient();
            // The listeners come first; /ready turns 200 once the registry has loaded.
            Await.until(Duration.ofSeconds(30), "/ready to turn 200", () -> status(client, httpPort, "/ready") == 200,
                    () -> String.join("\n", lines));
            String registry = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/debug/registryz")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(registry.contains("reviews.default.svc.cluster.local") && registry.contains("productpage.default.svc.cluster.local"), registry);
            String status = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/debug/push_status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + find(lines, MONITORING) + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String services = find(List.of(status), Pattern.compile("\"services\" : (\\d+)"));
            assertTrue(services != null && metrics.contains("\npilot_services " + services + ".0\n"), status + "\n" + metrics);
        }
    }

    @Test
    void aRejectedRuleIsNamedInTheStartupOutputAndTheRestServes(@TempDir Path configDir) throws Exception {
        Files.writeString(configDir.resolve("bad.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: default}
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - {destination: {host: reviews, subset: v1}, weight: 80}
                    - {destination: {host: reviews, subset: v2}, weight: 30}
                """);
        Files.copy(Path.of("..", "examples", "bookinfo", "reviews.yaml"), configDir.resolve("reviews.yaml"));

        try (Discovery process = Discovery.start("--configDir", configDir.toString())) {
            List<String> lines = process.lines;
            Await.until(Duration.ofSeconds(30), "the rejection in the output", () -> lines.stream().anyMatch(l -> l.contains(
                            "bad.yaml[doc 0] VirtualService default/reviews: spec.http[0].route: total destination weight 110 != 100")),
                    () -> String.join("\n", lines));
            Await.until(Duration.ofSeconds(30), "the HTTP address in the log", () -> find(lines, HTTP) != null, () -> String.join("\n", lines));
            int httpPort = Integer.parseInt(find(lines, HTTP));
            HttpClient client = HttpClient.newHttpClient();
            Await.until(Duration.ofSeconds(30), "/ready to turn 200", () -> status(client, httpPort, "/ready") == 200,
                    () -> String.join("\n", lines));
            String registry = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/debug/registryz")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(registry.contains("reviews.default.svc.cluster.local"), "the good file still serves: " + registry);
        }
    }

    /** {@code discovery} in a JVM of its own on ephemeral ports, its output (stdout and stderr) collected line by line. */
    private static final class Discovery implements AutoCloseable {
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final Process process;
        private final Thread reader;

        private Discovery(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // Process ended.
                }
            });
            reader.start();
        }

        static Discovery start(String... flags) throws IOException {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                    "io.pilot4j.cli.PilotDiscovery", "--grpcAddr", "127.0.0.1:0", "--httpAddr", "127.0.0.1:0", "--monitoringAddr", "127.0.0.1:0"));
            command.addAll(List.of(flags));
            return new Discovery(new ProcessBuilder(command).redirectErrorStream(true).start());
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor();
            reader.join(5000);
        }
    }

    private static int status(HttpClient client, int port, String path) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String find(List<String> lines, Pattern p) {
        for (String line : lines) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }
}
