package io.pilot4j.cli;

import io.pilot4j.push.PushTuning;
import io.pilot4j.server.PilotArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Istio's tuning variables as istiod reads them, from the environment with no flags: PILOT_DEBOUNCE_AFTER and
 * PILOT_DEBOUNCE_MAX as Go durations, PILOT_PUSH_THROTTLE and PILOT_MAX_REQUESTS_PER_SECOND as numbers.
 */
class TuningEnvTest {
    private static PilotArgs parse(Map<String, String> env) {
        DiscoveryOptions options = new DiscoveryOptions();
        new CommandLine(options).parseArgs();
        return options.toArgs(env, p -> false);
    }

    static Stream<Arguments> settings() {
        return Stream.of(
                arguments(Map.of(), Duration.ofMillis(100), Duration.ofSeconds(10)),
                arguments(Map.of("PILOT_DEBOUNCE_AFTER", "", "PILOT_DEBOUNCE_MAX", " "), Duration.ofMillis(100), Duration.ofSeconds(10)),
                arguments(Map.of("PILOT_DEBOUNCE_AFTER", "500ms"), Duration.ofMillis(500), Duration.ofSeconds(10)),
                arguments(Map.of("PILOT_DEBOUNCE_MAX", "1m30s"), Duration.ofMillis(100), Duration.ofSeconds(90)),
                arguments(Map.of("PILOT_DEBOUNCE_AFTER", "1.5s", "PILOT_DEBOUNCE_MAX", "20s"), Duration.ofMillis(1500), Duration.ofSeconds(20)),
                arguments(Map.of("PILOT_DEBOUNCE_AFTER", "0", "PILOT_DEBOUNCE_MAX", "0s"), Duration.ZERO, Duration.ZERO),
                arguments(Map.of("PILOT_DEBOUNCE_AFTER", "250us"), Duration.ofNanos(250_000), Duration.ofSeconds(10)),
                arguments(Map.of("PILOT_DEBOUNCE_AFTER", "2s", "PILOT_DEBOUNCE_MAX", "2s"), Duration.ofSeconds(2), Duration.ofSeconds(2)));
    }

    @ParameterizedTest
    @MethodSource("settings")
    void goDurationsFromTheEnvironment(Map<String, String> env, Duration after, Duration max) {
        PilotArgs args = parse(env);
        assertEquals(after, args.debounceAfter());
        assertEquals(max, args.debounceMax());
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                arguments(Map.of("PILOT_DEBOUNCE_AFTER", "100"),
                        "PILOT_DEBOUNCE_AFTER: invalid duration \"100\" (want a number with a unit, e.g. \"10s\", \"1.5s\", \"500ms\", \"1m30s\")"),
                arguments(Map.of("PILOT_DEBOUNCE_MAX", "ten seconds"),
                        "PILOT_DEBOUNCE_MAX: invalid duration \"ten seconds\" (want a number with a unit, e.g. \"10s\", \"1.5s\", \"500ms\", \"1m30s\")"),
                arguments(Map.of("PILOT_DEBOUNCE_AFTER", "-1s"), "PILOT_DEBOUNCE_AFTER: invalid duration \"-1s\" (must not be negative)"),
                arguments(Map.of("PILOT_DEBOUNCE_AFTER", "20s"),
                        "PILOT_DEBOUNCE_AFTER=20s is longer than PILOT_DEBOUNCE_MAX (default 10s): the quiet period must not exceed the longest a change may wait"),
                arguments(Map.of("PILOT_DEBOUNCE_MAX", "50ms"),
                        "PILOT_DEBOUNCE_AFTER (default 100ms) is longer than PILOT_DEBOUNCE_MAX=50ms: the quiet period must not exceed the longest a change may wait"));
    }

    @ParameterizedTest
    @MethodSource("mistakes")
    void mistakesStopStartupNamingTheVariable(Map<String, String> env, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> parse(env)).getMessage());
    }

    @Test
    void limitsDefaultToIstiosScaleWithTheCores() {
        PilotArgs args = parse(Map.of());
        int cores = Runtime.getRuntime().availableProcessors();

        assertEquals(Math.min(15 + 5 * cores, 100), args.pushThrottle());
        assertEquals(Math.min(15 + 5 * cores, 100), args.maxRequestsPerSecond());
        assertEquals(args.pushThrottle(), parse(Map.of("PILOT_PUSH_THROTTLE", "0", "PILOT_MAX_REQUESTS_PER_SECOND", "0")).pushThrottle(),
                "0 means the default, as in Istio since 1.21");
    }

    @Test
    void limitsFromTheEnvironment() {
        PilotArgs args = parse(Map.of("PILOT_PUSH_THROTTLE", "250", "PILOT_MAX_REQUESTS_PER_SECOND", "12.5"));

        assertEquals(250, args.pushThrottle());
        assertEquals(12.5, args.maxRequestsPerSecond());
        assertEquals(new PushTuning(Duration.ofMillis(100), Duration.ofSeconds(10), 250, 12.5), args.tuning());
    }

    static Stream<Arguments> limitMistakes() {
        return Stream.of(
                arguments(Map.of("PILOT_PUSH_THROTTLE", "1.5"), "PILOT_PUSH_THROTTLE: invalid integer \"1.5\""),
                arguments(Map.of("PILOT_PUSH_THROTTLE", "-1"), "PILOT_PUSH_THROTTLE: -1 must not be negative (0 or unset: Istio's default, "
                        + PushTuning.scaledToCores() + " on this machine)"),
                arguments(Map.of("PILOT_MAX_REQUESTS_PER_SECOND", "fast"), "PILOT_MAX_REQUESTS_PER_SECOND: invalid number \"fast\""));
    }

    @ParameterizedTest
    @MethodSource("limitMistakes")
    void limitMistakesStopStartupNamingTheVariable(Map<String, String> env, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> parse(env)).getMessage());
    }
}
