package io.pilot4j.serviceregistry.kube;

import java.time.Duration;

/** Durations in log lines: "30s", "200ms", "10m", "1m30s". */
final class Durations {
    private Durations() {
    }

    static String format(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long minutes = d.toMinutes();
        long seconds = d.toSecondsPart();
        return minutes == 0 ? seconds + "s" : minutes + "m" + (seconds == 0 ? "" : seconds + "s");
    }
}
