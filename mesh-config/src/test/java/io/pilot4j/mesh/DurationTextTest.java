package io.pilot4j.mesh;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationTextTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("10s", Duration.ofSeconds(10)),
                Arguments.of("1.5s", Duration.ofMillis(1500)),
                Arguments.of("1.500s", Duration.ofMillis(1500)),
                Arguments.of("0.000000001s", Duration.ofNanos(1)),
                Arguments.of("500ms", Duration.ofMillis(500)),
                Arguments.of("1m30s", Duration.ofSeconds(90)),
                Arguments.of("1m0s", Duration.ofMinutes(1)),
                Arguments.of("1h", Duration.ofHours(1)),
                Arguments.of("2h45m30.5s", Duration.ofHours(2).plusMinutes(45).plusMillis(30_500)),
                Arguments.of("1s500ms", Duration.ofMillis(1500)),
                Arguments.of("250us", Duration.ofNanos(250_000)),
                Arguments.of("250\u00B5s", Duration.ofNanos(250_000)),
                Arguments.of("250\u03BCs", Duration.ofNanos(250_000)),
                Arguments.of("15ns", Duration.ofNanos(15)),
                Arguments.of(".5s", Duration.ofMillis(500)),
                Arguments.of("0s", Duration.ZERO),
                Arguments.of("0", Duration.ZERO));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesProtobufAndGoForms(String text, Duration expected) {
        assertEquals(expected, DurationText.parse(text));
    }

    static Stream<Arguments> invalid() {
        String hint = " (want a number with a unit, e.g. \"10s\", \"1.5s\", \"500ms\", \"1m30s\")";
        return Stream.of(
                Arguments.of("ten", "invalid duration \"ten\"" + hint),
                Arguments.of("10", "invalid duration \"10\"" + hint),
                Arguments.of("1.5", "invalid duration \"1.5\"" + hint),
                Arguments.of("", "invalid duration \"\"" + hint),
                Arguments.of("s", "invalid duration \"s\"" + hint),
                Arguments.of("10sec", "invalid duration \"10sec\"" + hint),
                Arguments.of("10 s", "invalid duration \"10 s\"" + hint),
                Arguments.of(" 10s", "invalid duration \" 10s\"" + hint),
                Arguments.of("1d", "invalid duration \"1d\"" + hint),
                Arguments.of("10S", "invalid duration \"10S\"" + hint),
                Arguments.of("+10s", "invalid duration \"+10s\"" + hint),
                Arguments.of("1m30", "invalid duration \"1m30\"" + hint),
                Arguments.of("-1s", "invalid duration \"-1s\" (must not be negative)"),
                Arguments.of("-0s", "invalid duration \"-0s\" (must not be negative)"),
                Arguments.of("3000000h", "invalid duration \"3000000h\" (too long)"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalid")
    void rejectsWithWhatIsWanted(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationText.parse(text));
        assertEquals(message, e.getMessage());
    }

    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of(Duration.ZERO, "0s"),
                Arguments.of(Duration.ofSeconds(10), "10s"),
                Arguments.of(Duration.ofMinutes(2), "120s"),
                Arguments.of(Duration.ofMillis(1500), "1.500s"),
                Arguments.of(Duration.ofMillis(500), "0.500s"),
                Arguments.of(Duration.ofNanos(250_000), "0.000250s"),
                Arguments.of(Duration.ofNanos(1), "0.000000001s"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("formats")
    void formatsAsProtobufJsonAndReadsBack(Duration duration, String text) {
        assertEquals(text, DurationText.format(duration));
        assertEquals(duration, DurationText.parse(text));
    }
}
