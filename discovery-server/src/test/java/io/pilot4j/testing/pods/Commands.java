package io.pilot4j.testing.pods;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Short-lived commands (ip, iptables, curl) run to completion, with a deadline. */
public final class Commands {
    private static final Duration DEFAULT = Duration.ofSeconds(30);

    /** What one command did: exit code and its stdout and stderr merged. */
    public record Result(int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }
    }

    private Commands() {
    }

    /** Runs the command; fails unless it exits 0. */
    static String run(List<String> command) {
        Result r = attempt(command, DEFAULT);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + r.exit() + ": " + r.output().strip());
        }
        return r.output();
    }

    /** Runs the command and reports what happened, for the commands whose failure is an expected answer. */
    static Result attempt(List<String> command) {
        return attempt(command, DEFAULT);
    }

    static Result attempt(List<String> command, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            // Read while it runs, or a chatty command blocks on a full pipe and never exits.
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(output unreadable: " + e + ")";
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeout.toMillis() + " ms: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), output.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    /** Whether a program is on PATH (the test JVM's PATH, which is what ProcessBuilder searches). */
    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
