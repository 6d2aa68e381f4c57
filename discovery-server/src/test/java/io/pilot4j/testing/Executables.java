package io.pilot4j.testing;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The real programs tests run (Envoy, Istio's agent): found through an environment variable, else on PATH, and when
 * missing the skip said once on the build's console.
 */
public final class Executables {
    private static final Set<String> ANNOUNCED = new HashSet<>();

    private Executables() {
    }

    /** {@code $envVariable}, else {@code name} on PATH; a variable naming no executable is a broken setup, not a skip. */
    public static Optional<Path> find(String envVariable, String name) {
        String fromEnv = System.getenv(envVariable);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path p = Path.of(fromEnv);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(envVariable + "=" + fromEnv + " is not an executable file");
            }
            return Optional.of(p);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Says why tests skip, once per test JVM and reason, on the build's console: Surefire keeps System.out/err of
     * tests in report files, so the line goes to the process's own stderr, which Maven shows.
     */
    public static synchronized void announceSkip(String why) {
        if (ANNOUNCED.add(why)) {
            new PrintStream(new FileOutputStream(FileDescriptor.err), true).println("[WARNING] " + why);
        }
    }
}
