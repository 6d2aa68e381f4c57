package io.pilot4j.kube.networking;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Envoy's RE2 limits on regexes RE2/J accepts. The boundaries are Envoy 1.40's, measured with
 * {@code envoy --mode validate} on a route with each regex (RegexDialectTest in discovery-server re-checks them).
 */
class Re2LimitsTest {

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments("(a{10}){101}", "repetition {101} nests to 1010 repeats, more than RE2's 1000 (Envoy: invalid repetition size)"),
                arguments("((a{2}){2}){251}", "repetition {251} nests to 1004 repeats, more than RE2's 1000 (Envoy: invalid repetition size)"),
                arguments("(a{2,}){501}", "repetition {501} nests to 1002 repeats, more than RE2's 1000 (Envoy: invalid repetition size)"),
                arguments("(a{0,2}){501}", "repetition {501} nests to 1002 repeats, more than RE2's 1000 (Envoy: invalid repetition size)"),
                arguments("(?:x(?P<n>a{10}|b)){101}", "repetition {101} nests to 1010 repeats, more than RE2's 1000 (Envoy: invalid repetition size)"),
                arguments("\\x{100}", "\\x{100}: Envoy's RE2 takes character codes up to \\x{FF} only (invalid escape sequence); write the character itself"),
                arguments("[\\x{0100}-\\x{0200}]", "\\x{0100}: Envoy's RE2 takes character codes up to \\x{FF} only (invalid escape sequence); write the character itself"),
                arguments("a{1000}".repeat(33), "compiles to more than 33000 RE2 instructions, above Envoy's limit of 32768 "
                        + "(re2.max_program_size.error_level): simplify the regex or its repetition counts"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void whatEnvoysRe2RefusesIsNamed(String regex, String problem) {
        assertEquals(Optional.of(problem), Re2Limits.problem(regex));
    }

    /** At the limits, and the escapes, classes and groups that look like repetitions or wide characters but are not. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"(a{10}){100}", "((a{2}){2}){250}", "(a{2,}){500}", "(a*){1000}", "a{1000}", "([a-z0-9]{0,63}\\.){1,15}",
            "\\x{FF}", "\\xFF", "[^\\x00-\\x{FF}]", "\\p{Greek}{1000}", "\\pN{1000}", "a{,3}{1000}", "\\{1000}{1000}",
            "[{]{1000}", "\\Q{9999}\\E", "(?i)(ab{1000})", "(?P<id>[0-9]+){1000}", "\\077{1000}", "中{1000}", "(a|b{999}){1}"})
    void whatEnvoysRe2TakesPasses(String regex) {
        assertEquals(Optional.empty(), Re2Limits.problem(regex));
    }
}
