package io.pilot4j.e2e;

import io.pilot4j.testing.pods.SidecarImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code scripts/local-mesh} as a user runs it: {@code up} brings Bookinfo up on this machine (seven network-namespace
 * pods, each with Istio's real pilot-agent and Envoy, configured by pilot4j on the host), the README's curl from the
 * {@code sleep} pod gets the product page through the sidecars, reviews' three versions share the traffic,
 * {@code status} lists every sidecar ready, and {@code down} leaves nothing behind. Needs what the pod tests need (root,
 * ip, iptables, pilot-agent, Envoy, Istio's module files) and skips with one line without it; its names ({@code lm-...})
 * and subnet (10.251.0.0/24) are apart from theirs ({@code p4j-...}, 10.250.0.0/24), and pilot4j's ports are free ones
 * here, so it runs beside them and beside a developer's own server.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalMeshScriptTest {
    /** The test runs in discovery-server/; the script is the repository's. */
    private static final Path SCRIPT = Path.of("../scripts/local-mesh").toAbsolutePath().normalize();
    private static final Path STATE = Path.of("/tmp/local-mesh");
    private static final Path LOGS = Path.of("target/local-mesh-logs").toAbsolutePath();
    private static final String README_CURL = "sudo ip netns exec lm-sleep curl -s http://productpage:9080/productpage";
    private static final List<String> PODS = List.of("productpage-v1", "details-v1", "ratings-v1", "reviews-v1", "reviews-v2", "reviews-v3", "sleep");
    private static final Pattern REVIEWS = Pattern.compile("reviews: (v[123]) \\(from pod reviews-(v[123])\\)");

    private record Result(int exit, String output, long millis) {
    }

    @Test
    void bookinfoComesUpAnswersThroughTheSidecarsAndGoesAway(@TempDir Path scratch) throws Exception {
        SidecarImage image = SidecarImage.assumeAvailable(scratch);
        // A developer's own local mesh would be reused by up and removed by down: leave it alone.
        if (Files.exists(STATE) || !leftovers().isEmpty()) {
            String skip = "a local mesh is already up here (scripts/local-mesh down): skipping LocalMeshScriptTest";
            io.pilot4j.testing.Executables.announceSkip(skip);
            assumeFalse(true, skip);
        }
        Files.createDirectories(LOGS);
        Map<String, String> env = Map.of(
                "PILOT_AGENT_BIN", image.agent().toString(),
                "ENVOY_BIN", image.envoy().toString(),
                "ISTIO_BOOTSTRAP_TEMPLATE", image.bootstrapTemplate().toString(),
                "LOCAL_MESH_GRPC_PORT", String.valueOf(freePort(InetAddress.getByName("0.0.0.0"))),
                "LOCAL_MESH_HTTP_PORT", String.valueOf(freePort(InetAddress.getLoopbackAddress())),
                "LOCAL_MESH_MONITORING_PORT", String.valueOf(freePort(InetAddress.getLoopbackAddress())),
                "LOCAL_MESH_TIMEOUT", "150",
                // pilot4j from this test's classpath: under `mvnw verify` the tests run before the jar is packaged.
                "LOCAL_MESH_DISCOVERY", Path.of(System.getProperty("java.home"), "bin", "java") + " -cp "
                        + System.getProperty("java.class.path") + " io.pilot4j.cli.PilotDiscovery");
        Throwable failure = null;
        try {
            exercise(env);
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            tearDown(env, failure);
        }
    }

    private void exercise(Map<String, String> env) throws Exception {
        Result up = run(env, Duration.ofSeconds(210), "up", SCRIPT.toString(), "up");
        System.out.println("local-mesh up: " + up.millis() + " ms\n" + up.output());
        assertEquals(0, up.exit(), "local-mesh up failed:\n" + up.output() + agentLogs());
        assertTrue(up.output().contains(README_CURL), "up tells the user how to try it:\n" + up.output());

        // The README's line as the user types it, less sudo (the test is root already).
        Result page = run(Map.of(), Duration.ofSeconds(30), "curl", "ip", "netns", "exec", "lm-sleep", "curl", "-s", "http://productpage:9080/productpage");
        assertEquals(0, page.exit(), page.output());
        assertTrue(page.output().contains("The Comedy of Errors"), page.output());
        assertTrue(page.output().contains("details: author William Shakespeare"), "the page has the details service's answer:\n" + page.output());
        Matcher m = REVIEWS.matcher(page.output());
        assertTrue(m.find(), "the page names the reviews version that answered:\n" + page.output());
        assertEquals(m.group(1), m.group(2), "the version is the pod's");

        // No VirtualService: the three versions share the traffic, and v2/v3 fetch their stars from ratings.
        Set<String> versions = new TreeSet<>();
        boolean stars = false;
        for (int i = 0; i < 20; i++) {
            String body = run(Map.of(), Duration.ofSeconds(30), "curl", "ip", "netns", "exec", "lm-sleep", "curl", "-s",
                    "http://productpage:9080/productpage").output();
            Matcher v = REVIEWS.matcher(body);
            assertTrue(v.find(), "call " + i + ":\n" + body);
            versions.add(v.group(1));
            stars |= body.contains("5 black stars") || body.contains("5 red stars");
        }
        assertTrue(versions.size() > 1, "more than one reviews version answered 20 calls: " + versions);
        assertTrue(stars, "reviews v2/v3 showed the stars of ratings");

        Result status = run(env, Duration.ofSeconds(60), "status", SCRIPT.toString(), "status");
        System.out.println("local-mesh status:\n" + status.output());
        assertEquals(0, status.exit(), status.output());
        assertTrue(status.output().contains("pilot4j: running"), status.output());
        for (String pod : PODS) {
            assertTrue(status.output().lines().anyMatch(l -> l.startsWith(pod + " ") && l.contains(" ready ")),
                    pod + " listed with its sidecar ready:\n" + status.output());
        }
    }

    private void tearDown(Map<String, String> env, Throwable failure) throws Exception {
        saveLogs();
        Result down = run(env, Duration.ofSeconds(90), "down", SCRIPT.toString(), "down");
        System.out.println("local-mesh down: " + down.millis() + " ms\n" + down.output());
        List<String> left = leftovers();
        if (Files.exists(STATE)) {
            left.add(STATE.toString());
        }
        AssertionError broken = null;
        if (down.exit() != 0 || !left.isEmpty()) {
            broken = new AssertionError("local-mesh down exited " + down.exit() + ", left " + left + ":\n" + down.output());
        }
        if (broken != null && failure != null) {
            failure.addSuppressed(broken);
        } else if (broken != null) {
            throw broken;
        }
    }

    /** Namespaces, links and /etc/netns entries named lm-...: what down must remove. */
    private static List<String> leftovers() throws Exception {
        List<String> left = new ArrayList<>();
        for (String line : run(Map.of(), Duration.ofSeconds(30), "netns", "ip", "netns", "list").output().split("\n")) {
            if (line.startsWith("lm-")) {
                left.add("netns " + line.strip());
            }
        }
        for (String line : run(Map.of(), Duration.ofSeconds(30), "links", "ip", "-o", "link", "show").output().split("\n")) {
            String[] fields = line.split(":\\s+", 3);
            if (fields.length > 1 && fields[1].startsWith("lm-")) {
                left.add("link " + fields[1].split("@")[0]);
            }
        }
        Path etc = Path.of("/etc/netns");
        if (Files.isDirectory(etc)) {
            try (Stream<Path> entries = Files.list(etc)) {
                entries.filter(p -> p.getFileName().toString().startsWith("lm-")).forEach(p -> left.add(p.toString()));
            }
        }
        return left;
    }

    /** The processes' logs, kept in target/ for a post-mortem, since down removes /tmp/local-mesh. */
    private static void saveLogs() {
        Path logs = STATE.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return;
        }
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.toList()) {
                Files.copy(f, LOGS.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.out.println("could not keep the logs: " + e);
        }
    }

    /** The ends of the agents' and pilot4j's logs, for a failing up. */
    private static String agentLogs() {
        StringBuilder out = new StringBuilder();
        Path logs = STATE.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return "";
        }
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                out.append("\n===== ").append(f).append(" =====\n");
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> out.append(l).append('\n'));
            }
        } catch (IOException e) {
            out.append("(logs unreadable: ").append(e).append(")");
        }
        return out.toString();
    }

    /**
     * Runs a command to completion with its output in a file rather than a pipe: up leaves daemons behind, and although
     * the script gives them their own logs, a pipe they inherited by mistake would keep a reader waiting for ever.
     */
    private static Result run(Map<String, String> env, Duration timeout, String label, String... command) throws Exception {
        Path out = Files.createTempFile(Files.createDirectories(LOGS), label + "-", ".out");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        return new Result(done ? p.exitValue() : -1, done ? output : "timed out after " + timeout + ":\n" + output, millis);
    }

    private static int freePort(InetAddress address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, address)) {
            return s.getLocalPort();
        }
    }
}
