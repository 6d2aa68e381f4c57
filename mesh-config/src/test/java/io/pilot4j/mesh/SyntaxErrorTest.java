package io.pilot4j.mesh;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A file that isn't YAML or JSON at all: the user needs the line and column, not a field. */
class SyntaxErrorTest {

    static Stream<Arguments> malformed() {
        return Stream.of(
                // JSON that YAML refuses too: JSON's complaint, since YAML's would be about something else.
                // (A trailing comma is not here: YAML allows it, and Istio reads the file as YAML.)
                Arguments.of("{\n  \"proxyListenPort\": 15001,\n  \"connectTimeout\": \"10s\"\n", 4, 1,
                        "Unexpected end-of-input"),
                Arguments.of("{\n\t\"proxyListenPort\": 15001\n\t\"connectTimeout\": \"10s\"\n}\n", 3, 2,
                        "Unexpected character ('\"'"),
                Arguments.of("{\"proxyListenPort\": 15001}\n{\"connectTimeout\": \"10s\"}\n", 2, 1, "Trailing token"),
                // YAML.
                Arguments.of("proxyListenPort: 15001\n  connectTimeout: 10s\n", 2, 17,
                        "mapping values are not allowed here"),
                Arguments.of("defaultServiceExportTo: [\"*\"\nconnectTimeout: 10s\n", 2, 1,
                        "while parsing a flow sequence; expected ',' or ']', but got <scalar>"),
                Arguments.of("connectTimeout: 10s\nconnectTimeout: 20s\n", 2, 15, "Duplicate field 'connectTimeout'"),
                Arguments.of("defaultConfig:\n  concurrency: 1\n  concurrency: 2\n", 3, 14, "Duplicate field 'concurrency'"));
    }

    @ParameterizedTest(name = "[{index}] line {1}, column {2}")
    @MethodSource("malformed")
    void reportsLineAndColumn(String text, int line, int column, String reasonStart) {
        MeshConfigException e = assertThrows(MeshConfigException.class, () -> MeshConfigParser.parse(text, "mesh.json"));
        String prefix = "mesh.json: line " + line + ", column " + column + ": malformed YAML/JSON: ";
        assertTrue(e.getMessage().startsWith(prefix + reasonStart), e.getMessage());
        assertEquals("", e.fieldPath());
        assertEquals(1, e.getMessage().lines().count(), "one line for the log: " + e.getMessage());
        assertFalse(e.getMessage().contains("Source:"), "no Jackson internals: " + e.getMessage());
    }

    static Stream<Arguments> notAnObject() {
        return Stream.of(
                Arguments.of("just text", "\"just text\""),
                Arguments.of("[1, 2]", "a list"),
                Arguments.of("- proxyListenPort: 15001", "a list"),
                Arguments.of("15001", "15001"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notAnObject")
    void wantsAnObjectAtTheTop(String text, String got) {
        ParseFailure.assertFails(text, "", "want an object of MeshConfig fields, got " + got);
    }
}
