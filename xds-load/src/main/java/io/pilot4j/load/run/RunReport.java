package io.pilot4j.load.run;

import io.pilot4j.load.measure.Percentiles;

import java.util.Locale;

/** A {@link RunResult} as the table the run command prints. */
public final class RunReport {
    private RunReport() {
    }

    public static String text(RunResult r) {
        StringBuilder b = new StringBuilder();
        line(b, "run", "%s, %s, decode %s: %d clients, %d services, %d endpoints", r.label(), r.mode(), r.decode(),
                r.clients(), r.services(), r.endpoints());
        line(b, "initial convergence", "%d/%d ready; %s", r.initial().ready(), r.clients(), seconds(r.initial().seconds()));
        RunResult.Changes c = r.changes();
        line(b, "change convergence", "%d/%d reached every client; %s", c.reachedAll(), c.made(), seconds(c.seconds()));
        if (c.firstSeconds().count() > 0) {
            line(b, "change, first client", "%s", seconds(c.firstSeconds()));
        }
        if (!Double.isNaN(c.serverCpuPerChange())) {
            line(b, "server CPU per change", "%s ms (less %s cores at rest), of which JIT compilation %s ms", num1(c.serverCpuPerChange() * 1000),
                    num(c.serverIdleCores()), num1(c.serverJitPerChange() * 1000));
        }
        RunResult.Burst burst = r.burst();
        if (burst.made() > 0) {
            line(b, "burst", "%d changes, %d reached every client; last change to all %s s, every change to all %s s after the last",
                    burst.made(), burst.reachedAll(), num(burst.lastToAll()), num(burst.everyToAll()));
            line(b, "burst, each change", "%s", seconds(burst.seconds()));
            if (!Double.isNaN(burst.serverCores())) {
                line(b, "burst, server CPU", "%s cores on average", num(burst.serverCores()));
            }
            line(b, "burst merging", "%s EDS responses per client for %d changes", num(burst.edsPerClient()), burst.made());
            line(b, "after the burst", "%s", seconds(burst.afterSeconds()));
        }
        RunResult.Traffic t = r.traffic();
        line(b, "bytes", "received %s, sent %s; %s per client until ready; %s EDS per client per change",
                mib(t.bytesReceived()), mib(t.bytesSent()), kib(t.initialBytesPerClient()), kib(c.edsBytesPerClientPerChange()));
        line(b, "NACKs", "%d%s", t.nacks(), t.nacks() > 0 ? " (last: " + t.lastNack() + ")" : "");
        line(b, "stream failures", "%d%s", t.streamFailures(), t.streamFailures() > 0 ? " (last: " + t.lastFailure() + ")" : "");
        RunResult.Server s = r.server();
        if (!Double.isNaN(s.rssStart())) {
            line(b, "server RSS", "%s MiB at start, %s ready, %s at the end", num0(s.rssStart()), num0(s.rssReady()), num0(s.rssEnd()));
            line(b, "server CPU", "%s s until ready, %s s after", num(s.cpuToReady()), num(s.cpuAfterReady()));
            if (!Double.isNaN(s.heapUsedReady())) {
                line(b, "server heap", "%s MiB used when ready, %s MiB live after a full GC, %s MiB committed",
                        num0(s.heapUsedReady()), num0(s.heapLiveReady()), num0(s.heapCommitted()));
            }
        }
        line(b, "load tool CPU", "%s s", num(r.loadCpuSeconds()));
        line(b, "other processes' CPU", "%s s over %s s of run (the machine's noise)", num(r.otherCpuSeconds()), num(r.wallSeconds()));
        return b.toString();
    }

    private static String seconds(Percentiles p) {
        if (p.count() == 0) {
            return "none measured";
        }
        return String.format(Locale.ROOT, "p50 %.3f s, p99 %.3f s, max %.3f s (n=%d)", p.p50(), p.p99(), p.max(), p.count());
    }

    private static void line(StringBuilder b, String label, String format, Object... args) {
        b.append(String.format(Locale.ROOT, "%-22s %s%n", label, String.format(Locale.ROOT, format, args)));
    }

    private static String num(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.3f", d);
    }

    private static String num1(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.1f", d);
    }

    private static String num0(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.0f", d);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    private static String kib(double bytes) {
        return Double.isNaN(bytes) ? "-" : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
