package io.pilot4j.model.networking;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Istio's hasConflict, row by row: when a delegate's match asks for something its root's match excludes. */
class VirtualServiceDelegationTest {

    private static HttpMatchRequest uri(StringMatch uri) {
        return match(Optional.of(uri), Map.of(), 0, Map.of(), List.of(), false);
    }

    private static HttpMatchRequest match(Optional<StringMatch> uri, Map<String, StringMatch> headers, int port,
                                          Map<String, String> sourceLabels, List<String> gateways, boolean ignoreUriCase) {
        return new HttpMatchRequest("", uri, Optional.empty(), Optional.empty(), Optional.empty(), headers, Map.of(), Map.of(),
                port, sourceLabels, gateways, "", ignoreUriCase, "");
    }

    private static HttpMatchRequest any() {
        return match(Optional.empty(), Map.of(), 0, Map.of(), List.of(), false);
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                arguments("longer prefix under a prefix", uri(StringMatch.prefix("/a")), uri(StringMatch.prefix("/a/b")), false),
                arguments("shorter prefix than the root's", uri(StringMatch.prefix("/a/b")), uri(StringMatch.prefix("/a")), true),
                arguments("exact path under a prefix", uri(StringMatch.prefix("/a")), uri(StringMatch.exact("/a/x")), false),
                arguments("exact path outside a prefix", uri(StringMatch.prefix("/a")), uri(StringMatch.exact("/b")), true),
                arguments("same exact path", uri(StringMatch.exact("/a")), uri(StringMatch.exact("/a")), false),
                arguments("prefix under an exact path", uri(StringMatch.exact("/a")), uri(StringMatch.prefix("/a")), true),
                arguments("regex against a prefix", uri(StringMatch.prefix("/a")), uri(StringMatch.regex("/a.*")), true),
                arguments("regex under no path condition", any(), uri(StringMatch.regex("/a.*")), false),
                arguments("a header the root does not test", any(),
                        match(Optional.empty(), Map.of("x-user", StringMatch.exact("jason")), 0, Map.of(), List.of(), false), false),
                arguments("a different exact value of the root's header",
                        match(Optional.empty(), Map.of("x-user", StringMatch.exact("jason")), 0, Map.of(), List.of(), false),
                        match(Optional.empty(), Map.of("x-user", StringMatch.exact("ann")), 0, Map.of(), List.of(), false), true),
                arguments("another port", match(Optional.empty(), Map.of(), 80, Map.of(), List.of(), false),
                        match(Optional.empty(), Map.of(), 8080, Map.of(), List.of(), false), true),
                arguments("another value of a root's source label",
                        match(Optional.empty(), Map.of(), 0, Map.of("app", "a"), List.of(), false),
                        match(Optional.empty(), Map.of(), 0, Map.of("app", "b"), List.of(), false), true),
                arguments("a gateway the root does not name", match(Optional.empty(), Map.of(), 0, Map.of(), List.of("mesh"), false),
                        match(Optional.empty(), Map.of(), 0, Map.of(), List.of("ns/gw"), false), true),
                arguments("ignoreUriCase differs", any(), match(Optional.empty(), Map.of(), 0, Map.of(), List.of(), true), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void conflicts(String name, HttpMatchRequest root, HttpMatchRequest leaf, boolean conflict) {
        assertEquals(conflict, VirtualServiceDelegation.conflicts(root, leaf));
    }
}
