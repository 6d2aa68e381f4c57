package io.pilot4j.load.run;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A server's run beside the floor's, as a Markdown table: each figure, the floor's, and their ratio. Reads the
 * flat reports {@link RunResult#fields()} wrote.
 */
public final class Comparison {
    /** Figures compared, with how they read in the table. */
    private static final List<String[]> ROWS = List.of(
            new String[]{"initial_p50_s", "initial convergence p50 (s)"},
            new String[]{"initial_p99_s", "initial convergence p99 (s)"},
            new String[]{"initial_max_s", "all clients ready (s)"},
            new String[]{"change_p50_s", "change to all clients p50 (s)"},
            new String[]{"change_p99_s", "change to all clients p99 (s)"},
            new String[]{"change_max_s", "change to all clients max (s)"},
            new String[]{"burst_last_to_all_s", "burst: last change to all (s)"},
            new String[]{"burst_eds_responses_per_client", "burst: EDS responses per client"},
            new String[]{"after_burst_change_max_s", "after burst: change max (s)"},
            new String[]{"initial_bytes_per_client", "bytes per client until ready"},
            new String[]{"change_eds_bytes_per_client", "bytes per client per change"},
            new String[]{"nacks", "NACKs"},
            new String[]{"stream_failures", "stream failures"},
            new String[]{"server_rss_ready_mib", "server RSS when ready (MiB)"},
            new String[]{"server_rss_end_mib", "server RSS at the end (MiB)"},
            new String[]{"server_heap_live_ready_mib", "server live heap when ready (MiB)"},
            new String[]{"server_cpu_to_ready_s", "server CPU until ready (s)"},
            new String[]{"server_cpu_after_ready_s", "server CPU after ready (s)"},
            new String[]{"load_cpu_s", "load tool CPU (s)"},
            new String[]{"other_cpu_s", "other processes' CPU (s)"},
            new String[]{"wall_s", "run length (s)"});

    private Comparison() {
    }

    public static String markdown(Map<String, Object> floor, Map<String, Object> server) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s vs %s, %s, %.0f clients, %.0f services%n%n", server.get("label"), floor.get("label"),
                server.get("mode"), number(server, "clients"), number(server, "services")));
        b.append("| figure | ").append(server.get("label")).append(" | ").append(floor.get("label")).append(" (floor) | ratio |\n");
        b.append("|---|---:|---:|---:|\n");
        for (String[] row : ROWS) {
            double s = number(server, row[0]);
            double f = number(floor, row[0]);
            if (Double.isNaN(s) && Double.isNaN(f)) {
                continue;
            }
            b.append("| ").append(row[1]).append(" | ").append(format(s)).append(" | ").append(format(f)).append(" | ")
                    .append(f > 0 && !Double.isNaN(s) ? String.format(Locale.ROOT, "%.2fx", s / f) : "-").append(" |\n");
        }
        return b.toString();
    }

    private static double number(Map<String, Object> m, String key) {
        return m.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String format(double d) {
        if (Double.isNaN(d)) {
            return "-";
        }
        if (d >= 10_000) {
            return String.format(Locale.ROOT, "%,.0f", d);
        }
        return d == Math.rint(d) ? String.format(Locale.ROOT, "%.0f", d) : String.format(Locale.ROOT, "%.3f", d);
    }
}
