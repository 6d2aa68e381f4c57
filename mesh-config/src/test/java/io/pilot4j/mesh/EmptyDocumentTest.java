package io.pilot4j.mesh;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A mesh file with nothing in it is Istio's defaults, as when pilot-discovery runs without one. */
class EmptyDocumentTest {

    static Stream<String> emptyDocuments() {
        return Stream.of("", "   ", "\n\n", "# only a comment\n", "---\n", "null", "{}", "{ }\n", "\uFEFF{}");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("emptyDocuments")
    void givesDefaultsAndNoWarnings(String text) throws MeshConfigException {
        ParsedMeshConfig parsed = MeshConfigParser.parse(text, "mesh.yaml");
        assertEquals(MeshConfig.defaults(), parsed.config());
        assertEquals(List.of(), parsed.warnings());
    }
}
