package io.pilot4j.testing.pods;

import io.pilot4j.testing.Executables;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Istio's sidecar agent the pod tests run: {@code $PILOT_AGENT_BIN}, else {@code pilot-agent} on PATH
 * ({@code .ci/pilot-agent} builds the pinned one), and the files of the same Istio module in Go's module cache (its
 * bootstrap template), which that build leaves there. Without either, pod tests are skipped with one line saying so.
 */
public final class PilotAgentBinary {
    /** The Istio module the agent is built from; Istio's tags are not semver, so the proxy only knows this form. */
    public static final String ISTIO_MODULE = "istio.io/istio@v0.0.0-20260827124520-eed52ebb66ad";
    static final String SKIP = "no pilot-agent binary (set PILOT_AGENT_BIN or put pilot-agent on PATH; .ci/pilot-agent builds it): skipping pod tests";
    static final String BOOTSTRAP = "tools/packaging/common/envoy_bootstrap.json";

    private PilotAgentBinary() {
    }

    public static Optional<Path> find() {
        return Executables.find("PILOT_AGENT_BIN", "pilot-agent");
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

    /** Istio's own bootstrap template (what the agent renders for Envoy), or skips the calling test. */
    public static Path assumeBootstrapTemplate() {
        Path moduleDir = moduleCache().resolve(ISTIO_MODULE);
        Path template = moduleDir.resolve(BOOTSTRAP);
        boolean present = Files.isRegularFile(template);
        String skip = "no " + template + " (.ci/pilot-agent puts Istio's module files in Go's module cache): skipping pod tests";
        if (!present) {
            Executables.announceSkip(skip);
        }
        Assumptions.assumeTrue(present, skip);
        return template;
    }

    /**
     * Go's module cache as {@code go env GOMODCACHE} reports it; Go's default when go is not on PATH, since the
     * module files may well outlive the toolchain that fetched them.
     */
    static Path moduleCache() {
        String fromEnv = System.getenv("GOMODCACHE");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        try {
            ProcessBuilder pb = new ProcessBuilder("go", "env", "GOMODCACHE").redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("GOTOOLCHAIN", "local");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty()) {
                return Path.of(out);
            }
        } catch (IOException e) {
            // No go on PATH: fall through to Go's default.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String gopath = System.getenv("GOPATH");
        Path first = gopath == null || gopath.isBlank()
                ? Path.of(System.getProperty("user.home"), "go")
                : Path.of(gopath.split(File.pathSeparator)[0]);
        return first.resolve("pkg").resolve("mod");
    }
}
