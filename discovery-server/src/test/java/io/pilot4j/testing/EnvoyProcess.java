package io.pilot4j.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pilot4j.cli.PilotDiscovery;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Envoy for a test, started from a shell command line (the one {@code discovery bootstrap} prints) plus
 * what lets Envoys run side by side: a base id of its own, admin on the ephemeral port the bootstrap asked for
 * (read back through {@code --admin-address-path}), its log in a file the test prints when it fails
 * ({@link LogOnFailure}). Ready once admin {@code /ready} answers LIVE, i.e. Envoy holds its first CDS and LDS.
 */
public final class EnvoyProcess implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(30);
    private static final AtomicInteger STARTED = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String admin;
    /** The log as it was when Envoy stopped: a test's temporary directory may be gone when its failure is reported. */
    private volatile String finalLog;

    private EnvoyProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Runs {@code commandLine} through {@code sh}, exactly as a user pastes it, and waits until Envoy is LIVE.
     *
     * @param workDir where the admin address and the log go
     */
    public static EnvoyProcess start(String commandLine, Path workDir) throws IOException {
        Path adminFile = workDir.resolve("envoy-admin-address");
        Path log = workDir.resolve("envoy.log");
        Files.deleteIfExists(adminFile);
        // Unique per JVM and start. Envoy keys hot-restart shared memory and sockets by it; the printed command line
        // disables hot restart, so this only matters if it ever stops doing so, and then Envoys must not meet.
        long baseId = ProcessHandle.current().pid() % 100_000 * 100 + STARTED.incrementAndGet() % 100;
        String line = "exec " + commandLine + " --base-id " + baseId + " --admin-address-path " + adminFile;
        Process process = new ProcessBuilder("sh", "-c", line)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        EnvoyProcess envoy = new EnvoyProcess(process, log);
        try {
            Await.until(START, "Envoy to write its admin address", () -> {
                assertTrue(process.isAlive(), () -> "Envoy exited with " + process.exitValue() + ":\n" + envoy.log());
                return readAdmin(adminFile) != null;
            }, envoy::log);
            envoy.admin = readAdmin(adminFile);
            Await.until(START, "Envoy /ready to say LIVE (first CDS and LDS applied)", () -> {
                assertTrue(process.isAlive(), () -> "Envoy exited with " + process.exitValue() + ":\n" + envoy.log());
                return envoy.ready();
            }, envoy::log);
            return envoy;
        } catch (RuntimeException | Error e) {
            envoy.close();
            throw e;
        }
    }

    /**
     * Renders a bootstrap with {@code discovery bootstrap} as a user runs it, with {@code --output} in
     * {@code workDir}, admin on an ephemeral port and the Envoy of {@link EnvoyBinary}, then starts Envoy with the
     * command line it printed. Skips the caller without an Envoy.
     */
    public static EnvoyProcess bootstrap(Path workDir, String... flags) throws IOException {
        Path binary = EnvoyBinary.assumeAvailable();
        List<String> args = new ArrayList<>(List.of("bootstrap", "--binaryPath", binary.toString(), "--adminPort", "0",
                "--output", workDir.resolve("envoy-bootstrap.json").toString()));
        args.addAll(List.of(flags));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = PilotDiscovery.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args.toArray(String[]::new));
        assertEquals(0, code, () -> "discovery " + String.join(" ", args) + " failed:\n" + err);
        return start(out.toString().trim(), workDir);
    }

    private static String readAdmin(Path file) {
        try {
            String s = Files.isRegularFile(file) ? Files.readString(file).trim() : "";
            return s.isEmpty() ? null : s;
        } catch (IOException e) {
            return null;
        }
    }

    private boolean ready() {
        try {
            return get("/ready").statusCode() == 200;
        } catch (UncheckedIOException notListeningYet) {
            return false;
        }
    }

    /** {@code host:port} of the admin listener. */
    public String adminAddress() {
        return admin;
    }

    public HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + admin + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("admin " + admin + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Counters and gauges whose names match {@code regex} (Envoy's /stats?filter=), by name. */
    public Map<String, Long> stats(String regex) {
        HttpResponse<String> r = get("/stats?filter=" + URLEncoder.encode(regex, StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Long> out = new TreeMap<>();
        for (String line : r.body().split("\n")) {
            int colon = line.lastIndexOf(": ");
            if (colon > 0 && line.substring(colon + 2).matches("\\d+")) {
                out.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 2)));
            }
        }
        return out;
    }

    /** One counter or gauge; 0 when Envoy has not created it yet (it creates stats on first use). */
    public long stat(String name) {
        return stats("^" + Pattern.quote(name) + "$").getOrDefault(name, 0L);
    }

    /**
     * Every rejected xDS update by stat name: cluster_manager.cds, listener_manager.lds, http.*.rds.* and, for EDS,
     * cluster.*. The CDS and LDS counters must exist, so a wrong filter cannot pass for "nothing rejected".
     */
    public Map<String, Long> rejectedUpdates() {
        Map<String, Long> all = stats("update_rejected$");
        assertTrue(all.containsKey("cluster_manager.cds.update_rejected") && all.containsKey("listener_manager.lds.update_rejected"),
                () -> "no CDS/LDS update_rejected stats in " + all);
        Map<String, Long> rejected = new TreeMap<>();
        all.forEach((k, v) -> {
            if (v != 0) {
                rejected.put(k, v);
            }
        });
        return rejected;
    }

    public void assertNoRejectedUpdates() {
        Map<String, Long> rejected = rejectedUpdates();
        assertTrue(rejected.isEmpty(), () -> "Envoy rejected updates " + rejected + ":\n" + log());
    }

    /** Envoy's /config_dump: bootstrap, clusters, listeners, routes (EDS only on request, as in Envoy). */
    public JsonNode configDump() {
        HttpResponse<String> r = get("/config_dump");
        assertEquals(200, r.statusCode(), r.body());
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sections of a config dump of one type, e.g. "ClustersConfigDump". */
    public static JsonNode section(JsonNode dump, String type) {
        for (JsonNode c : dump.path("configs")) {
            if (c.path("@type").asText().endsWith("." + type)) {
                return c;
            }
        }
        throw new AssertionError("no " + type + " in config_dump");
    }

    /** The active cluster of that name in a config_dump; fails when Envoy has none (or has it warming only). */
    public static JsonNode activeCluster(JsonNode dump, String name) {
        for (JsonNode c : section(dump, "ClustersConfigDump").path("dynamic_active_clusters")) {
            if (c.path("cluster").path("name").asText().equals(name)) {
                return c.path("cluster");
            }
        }
        throw new AssertionError(name + " not active in Envoy");
    }

    public String log() {
        if (finalLog != null) {
            return finalLog;
        }
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        if (finalLog == null) {
            finalLog = log();
        }
    }

    /**
     * Prints the log of every watched Envoy when a test fails, into the test's output (surefire keeps it next to
     * the report): register with {@code @RegisterExtension}, then {@link #watch} each Envoy.
     */
    public static final class LogOnFailure implements TestWatcher {
        private final List<EnvoyProcess> envoys = new ArrayList<>();

        public EnvoyProcess watch(EnvoyProcess envoy) {
            envoys.add(envoy);
            return envoy;
        }

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            for (EnvoyProcess envoy : envoys) {
                System.out.println("----- Envoy log (admin " + envoy.admin + ") for failed " + context.getDisplayName() + " -----");
                System.out.println(envoy.log());
            }
        }
    }
}
