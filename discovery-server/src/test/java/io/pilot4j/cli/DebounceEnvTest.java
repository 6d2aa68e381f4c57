package io.pilot4j.cli;

import io.pilot4j.server.PilotArgs;
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

/** PILOT_DEBOUNCE_AFTER and PILOT_DEBOUNCE_MAX as istiod reads them: Go durations from the environment, no flags. */
class DebounceEnvTest {
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
}
