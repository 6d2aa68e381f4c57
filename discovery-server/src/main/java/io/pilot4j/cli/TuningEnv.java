package io.pilot4j.cli;

import io.pilot4j.mesh.DurationText;
import io.pilot4j.push.PushTuning;

import java.time.Duration;
import java.util.Map;

/**
 * Istio's push tuning variables (pilot/pkg/features/tuning.go): PILOT_DEBOUNCE_AFTER and PILOT_DEBOUNCE_MAX in Go's
 * duration syntax, PILOT_PUSH_THROTTLE and PILOT_MAX_REQUESTS_PER_SECOND as numbers, where unset or 0 means Istio's
 * default for the machine ({@link PushTuning#scaledToCores()}). istiod reads them from the environment only, with no
 * flag, so users set them on the Deployment; pilot4j does the same. Where istiod logs a bad value and falls back to the
 * default, pilot4j refuses to start: a typo should not silently change how pushes are batched or paced.
 */
final class TuningEnv {
    static final String DEBOUNCE_AFTER = "PILOT_DEBOUNCE_AFTER";
    static final String DEBOUNCE_MAX = "PILOT_DEBOUNCE_MAX";
    static final String PUSH_THROTTLE = "PILOT_PUSH_THROTTLE";
    static final String MAX_REQUESTS_PER_SECOND = "PILOT_MAX_REQUESTS_PER_SECOND";

    private TuningEnv() {
    }

    /** Unset or empty variables keep Istio's defaults: 100ms, 10s, and the two limits scaled to the cores. */
    static PushTuning read(Map<String, String> env) {
        Duration after = duration(env, DEBOUNCE_AFTER, PushTuning.DEFAULT_DEBOUNCE_AFTER);
        Duration max = duration(env, DEBOUNCE_MAX, PushTuning.DEFAULT_DEBOUNCE_MAX);
        if (after.compareTo(max) > 0) {
            throw new IllegalArgumentException(describe(env, DEBOUNCE_AFTER, "100ms") + " is longer than " + describe(env, DEBOUNCE_MAX, "10s")
                    + ": the quiet period must not exceed the longest a change may wait");
        }
        int throttle = (int) number(env, PUSH_THROTTLE, true);
        double requests = number(env, MAX_REQUESTS_PER_SECOND, false);
        return new PushTuning(after, max, throttle == 0 ? PushTuning.scaledToCores() : throttle,
                requests == 0 ? PushTuning.scaledToCores() : requests);
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

    /** 0 when unset; Go's strconv.Atoi or ParseFloat otherwise, and never negative. */
    private static double number(Map<String, String> env, String name, boolean integer) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return 0;
        }
        double value;
        try {
            value = integer ? Integer.parseInt(text.trim()) : Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": invalid " + (integer ? "integer" : "number") + " \"" + text.trim() + "\"", e);
        }
        if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + ": " + text.trim() + " must not be negative (0 or unset: Istio's default, "
                    + PushTuning.scaledToCores() + " on this machine)");
        }
        return value;
    }

    private static String describe(Map<String, String> env, String name, String defaultText) {
        String text = env.get(name);
        return text == null || text.isBlank() ? name + " (default " + defaultText + ")" : name + "=" + text.trim();
    }
}
