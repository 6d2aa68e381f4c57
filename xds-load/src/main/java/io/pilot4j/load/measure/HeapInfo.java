package io.pilot4j.load.measure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Java heap of a running JVM, through {@code jcmd PID GC.heap_info}; empty when jcmd or the JVM is not there. */
public final class HeapInfo {
    // G1: " garbage-first heap   total 1048576K, used 345678K [...]"; other collectors print "total ...K, used ...K" too.
    private static final Pattern TOTAL_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

    /**
     * @param usedBytes      heap in use (live data plus garbage not yet collected)
     * @param committedBytes heap the JVM has reserved from the OS
     */
    public record Heap(long usedBytes, long committedBytes, String text) {
    }

    private HeapInfo() {
    }

    /** The heap as it is (live data and uncollected garbage). */
    public static Optional<Heap> of(long pid) {
        return jcmd(pid, "GC.heap_info").flatMap(HeapInfo::parse);
    }

    /** The heap right after a full collection: what the server keeps alive. */
    public static Optional<Heap> liveOf(long pid) {
        return jcmd(pid, "GC.run").flatMap(ignored -> of(pid));
    }

    private static Optional<String> jcmd(long pid, String command) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            return Optional.of(out);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    static Optional<Heap> parse(String jcmdOutput) {
        Matcher m = TOTAL_USED.matcher(jcmdOutput);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new Heap(Long.parseLong(m.group(2)) * 1024, Long.parseLong(m.group(1)) * 1024, jcmdOutput.strip()));
    }
}
