package io.pilot4j.monitoring;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Prometheus text format 0.0.4 with istiod's series names. istiod's OpenTelemetry exporter runs
 * {@code WithoutCounterSuffixes} and {@code WithoutUnits} (pkg/monitoring/prometheus.go), so its counters are
 * {@code pilot_xds_pushes}, not {@code pilot_xds_pushes_total}, and dashboards and alerts query them so. Micrometer's
 * Prometheus registry always appends {@code _total} to counters: Istio's own counters are written here, under
 * Istio's names, and every other meter (the JVM's) goes through Micrometer's writer as Micrometer names it.
 */
final class IstioTextFormat {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private IstioTextFormat() {
    }

    static void write(PrometheusMeterRegistry registry, OutputStream out) throws IOException {
        MetricSnapshots snapshots = registry.getPrometheusRegistry().scrape();
        Set<String> micrometers = new TreeSet<>();
        List<CounterSnapshot> istioCounters = new ArrayList<>();
        for (MetricSnapshot s : snapshots) {
            String name = s.getMetadata().getPrometheusName();
            if (s instanceof CounterSnapshot c && PilotMetrics.COUNTERS.contains(name)) {
                istioCounters.add(c);
            } else if (!isIstioHistogramMax(name)) {
                micrometers.add(name);
            }
        }
        if (!micrometers.isEmpty()) {
            registry.scrape(out, CONTENT_TYPE, micrometers);
        }
        StringBuilder text = new StringBuilder();
        for (CounterSnapshot c : istioCounters) {
            writeCounter(text, c);
        }
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Micrometer adds a decaying {@code _max} gauge to each distribution; Istio's histograms have none. */
    private static boolean isIstioHistogramMax(String name) {
        return name.endsWith("_max") && PilotMetrics.HISTOGRAMS.contains(name.substring(0, name.length() - "_max".length()));
    }

    private static void writeCounter(StringBuilder out, CounterSnapshot counter) {
        if (counter.getDataPoints().isEmpty()) {
            return;
        }
        String name = counter.getMetadata().getPrometheusName();
        String help = counter.getMetadata().getHelp();
        if (help != null && !help.isEmpty()) {
            out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        }
        out.append("# TYPE ").append(name).append(" counter\n");
        for (CounterSnapshot.CounterDataPointSnapshot point : counter.getDataPoints()) {
            out.append(name);
            Labels labels = point.getLabels();
            if (!labels.isEmpty()) {
                out.append('{');
                for (int i = 0; i < labels.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    out.append(labels.getPrometheusName(i)).append("=\"").append(escapeLabelValue(labels.getValue(i))).append('"');
                }
                out.append('}');
            }
            out.append(' ').append(number(point.getValue())).append('\n');
        }
    }

    private static String escapeLabelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Counts print as integers, as istiod prints them. */
    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
