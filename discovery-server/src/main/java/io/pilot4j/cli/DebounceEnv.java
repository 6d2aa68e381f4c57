package io.pilot4j.cli;

import io.pilot4j.mesh.DurationText;
import io.pilot4j.server.PilotArgs;

import java.time.Duration;
import java.util.Map;

/**
 * Istio's debounce settings, PILOT_DEBOUNCE_AFTER and PILOT_DEBOUNCE_MAX (pilot/pkg/features/tuning.go), in Go's
 * duration syntax. istiod reads them from the environment only, with no flag, so users set them on the Deployment;
 * pilot4j does the same. Where istiod logs a bad value and falls back to the default, pilot4j refuses to start:
 * a typo should not silently change how pushes are batched.
 */
final class DebounceEnv {
    static final String DEBOUNCE_AFTER = "PILOT_DEBOUNCE_AFTER";
    static final String DEBOUNCE_MAX = "PILOT_DEBOUNCE_MAX";

    /** The quiet period and the cap, as the server takes them. */
    record Debounce(Duration after, Duration max) {
    }

    private DebounceEnv() {
    }

    /** Unset or empty variables keep Istio's defaults, 100ms and 10s. */
    static Debounce read(Map<String, String> env) {
        Duration after = duration(env, DEBOUNCE_AFTER, PilotArgs.DEFAULT_DEBOUNCE_AFTER);
        Duration max = duration(env, DEBOUNCE_MAX, PilotArgs.DEFAULT_DEBOUNCE_MAX);
        if (after.compareTo(max) > 0) {
            throw new IllegalArgumentException(describe(env, DEBOUNCE_AFTER, "100ms") + " is longer than " + describe(env, DEBOUNCE_MAX, "10s")
                    + ": the quiet period must not exceed the longest a change may wait");
        }
        return new Debounce(after, max);
    }

    private static Duration duration(Map<String, String> env, String name, Duration defaultValue) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        try {
            return DurationText.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Map<String, String> env, String name, String defaultText) {
        String text = env.get(name);
        return text == null || text.isBlank() ? name + " (default " + defaultText + ")" : name + "=" + text.trim();
    }
}
