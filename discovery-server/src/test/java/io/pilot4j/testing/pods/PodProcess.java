package io.pilot4j.testing.pods;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A long-running process in a pod, its stdout and stderr in a log file that outlives the pod. */
public final class PodProcess {
    private static final int TAIL_LINES = 150;

    private final String label;
    private final Process process;
    private final Path log;

    PodProcess(String label, Process process, Path log) {
        this.label = label;
        this.process = process;
        this.log = log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return log;
    }

    /** The end of its output, headed by its label: what a failure report shows. */
    public String tail() {
        String state = process.isAlive() ? "running" : "exited " + process.exitValue();
        StringBuilder out = new StringBuilder("===== " + label + " (" + state + "), " + log + " =====\n");
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (String line : lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())) {
                out.append(line).append('\n');
            }
        } catch (IOException e) {
            out.append("(no log: ").append(e).append(")\n");
        }
        return out.toString();
    }

    /** Kills the process itself; its children are the pod's business ({@link Pod#close()}). */
    void kill() {
        process.destroyForcibly();
    }
}
