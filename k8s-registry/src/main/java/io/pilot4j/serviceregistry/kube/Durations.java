package io.pilot4j.serviceregistry.kube;

import java.time.Duration;

/** Durations in log lines: "30s", "200ms". */
final class Durations {
    private Durations() {
    }

    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
