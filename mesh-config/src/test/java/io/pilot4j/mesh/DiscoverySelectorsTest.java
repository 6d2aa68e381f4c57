package io.pilot4j.mesh;

import io.pilot4j.mesh.LabelSelector.Operator;
import io.pilot4j.mesh.LabelSelector.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.pilot4j.mesh.ParseFailure.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The mesh's discoverySelectors: read, validated as Kubernetes validates label selectors, matched as Istio does. */
class DiscoverySelectorsTest {

    @Test
    void readsMatchLabelsAndExpressionsAndPrintsThemBack() throws Exception {
        String yaml = """
                discoverySelectors:
                - matchLabels: {istio-discovery: enabled}
                - matchExpressions:
                  - {key: env, operator: In, values: [prod, staging]}
                  - {key: legacy, operator: DoesNotExist}
                """;
        MeshConfig mesh = MeshConfigParser.parse(yaml, "mesh.yaml").config();
        assertEquals(List.of(
                new LabelSelector(Map.of("istio-discovery", "enabled"), List.of()),
                new LabelSelector(Map.of(), List.of(new Requirement("env", Operator.In, List.of("prod", "staging")),
                        new Requirement("legacy", Operator.DoesNotExist, List.of())))), mesh.discoverySelectors());
        assertEquals(mesh, MeshConfigParser.parse(MeshConfigJson.toJson(mesh), "mesh.json").config(), "/debug/mesh reads back");
        assertEquals(List.of(), MeshConfig.defaults().discoverySelectors(), "Istio's default: every namespace");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("discoverySelectors: [{matchExpressions: [{key: env, operator: In}]}]",
                        "discoverySelectors[0].matchExpressions[0].values", "must not be empty for operator In"),
                arguments("discoverySelectors: [{}, {matchExpressions: [{key: env, operator: Exists, values: [a]}]}]",
                        "discoverySelectors[1].matchExpressions[0].values", "must be empty for operator Exists"),
                arguments("discoverySelectors: [{matchExpressions: [{key: env}]}]",
                        "discoverySelectors[0].matchExpressions[0].operator", "required: one of In, NotIn, Exists, DoesNotExist"),
                arguments("discoverySelectors: [{matchExpressions: [{key: env, operator: in, values: [a]}]}]",
                        "discoverySelectors[0].matchExpressions[0].operator", "\"in\" is not one of In, NotIn, Exists, DoesNotExist"),
                arguments("discoverySelectors: [{matchExpressions: [{operator: Exists}]}]",
                        "discoverySelectors[0].matchExpressions[0].key", "must not be empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refusesWhatKubernetesRefuses(String yaml, String field, String problem) {
        assertFails(yaml, field, problem);
    }

    static Stream<Arguments> matching() {
        LabelSelector prod = new LabelSelector(Map.of("env", "prod"), List.of());
        LabelSelector notLegacy = new LabelSelector(Map.of(), List.of(new Requirement("tier", Operator.NotIn, List.of("legacy"))));
        return Stream.of(
                arguments(List.of(), Map.of(), true, "no selectors: every namespace"),
                arguments(List.of(new LabelSelector(Map.of(), List.of())), Map.of("a", "b"), true, "an empty selector matches everything"),
                arguments(List.of(prod), Map.of("env", "prod", "x", "y"), true, "matchLabels is a subset test"),
                arguments(List.of(prod), Map.of("env", "dev"), false, "a different value"),
                arguments(List.of(prod, notLegacy), Map.of("env", "dev"), true, "any selector may match (NotIn on a missing label)"),
                arguments(List.of(notLegacy), Map.of("tier", "legacy"), false, "NotIn"),
                arguments(List.of(new LabelSelector(Map.of("env", "prod"),
                        List.of(new Requirement("team", Operator.Exists, List.of())))), Map.of("env", "prod"), false,
                        "labels and expressions must all hold"));
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("matching")
    void matchesAsIstio(List<LabelSelector> selectors, Map<String, String> labels, boolean expected, String name) {
        assertEquals(expected, LabelSelector.anyMatches(selectors, labels));
    }
}
