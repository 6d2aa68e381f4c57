package io.pilot4j.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * defaultConfig is the one field Istio merges rather than replaces, so that changing one proxy setting doesn't
 * reset the others to protobuf's zero values.
 */
class ProxyConfigMergeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Stream<Arguments> merges() {
        return Stream.of(
                Arguments.of("defaultConfig: {}", "{}"),
                Arguments.of("defaultConfig: {concurrency: 4}", "{\"concurrency\": 4}"),
                Arguments.of("defaultConfig: {concurrency: 0}", "{\"concurrency\": 0}"),
                Arguments.of("defaultConfig: {discoveryAddress: 127.0.0.1:15010, controlPlaneAuthPolicy: NONE}",
                        "{\"discoveryAddress\": \"127.0.0.1:15010\", \"controlPlaneAuthPolicy\": \"NONE\"}"),
                Arguments.of("defaultConfig: {drainDuration: 1m, terminationDrainDuration: 0s}",
                        "{\"drainDuration\": \"60s\", \"terminationDrainDuration\": \"0s\"}"),
                Arguments.of("defaultConfig: {proxyMetadata: {ISTIO_META_DNS_CAPTURE: \"true\"}}",
                        "{\"proxyMetadata\": {\"ISTIO_META_DNS_CAPTURE\": \"true\"}}"),
                // Fields pilot4j ignores must not disturb the merge.
                Arguments.of("defaultConfig: {tracing: {zipkin: {address: z:9411}}, statusPort: 15021}",
                        "{\"statusPort\": 15021}"),
                Arguments.of("defaultConfig: null", "{}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("merges")
    void givenFieldsOverrideAndTheRestKeepTheDefaults(String yaml, String changedFields) throws Exception {
        JsonNode actual = MeshConfigJson.toTree(MeshConfigParser.parse(yaml, "mesh.yaml").config()).get("defaultConfig");
        ObjectNode expected = (ObjectNode) MeshConfigJson.toTree(MeshConfig.defaults()).get("defaultConfig");
        expected.setAll((ObjectNode) JSON.readTree(changedFields));
        assertEquals(expected, actual);
    }

    static Stream<Arguments> metadataMerges() {
        return Stream.of(
                Arguments.of(Map.of(), Map.of("A", "1", "B", "2")),
                Arguments.of(Map.of("C", "3"), Map.of("A", "1", "B", "2", "C", "3")),
                Arguments.of(Map.of("B", "two", "C", "3"), Map.of("A", "1", "B", "two", "C", "3")));
    }

    /** Istio's base has no metadata, so a base with some is only reachable through the merge itself. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("metadataMerges")
    void proxyMetadataMergesIntoTheBase(Map<String, String> given, Map<String, String> expected) {
        ProxyConfig d = ProxyConfig.defaults();
        ProxyConfig base = new ProxyConfig(d.configPath(), d.binaryPath(), d.serviceCluster(), d.drainDuration(),
                d.parentShutdownDuration(), d.terminationDrainDuration(), d.discoveryAddress(), d.proxyAdminPort(),
                d.controlPlaneAuthPolicy(), d.statNameLength(), d.concurrency(), d.statusPort(),
                Map.of("A", "1", "B", "2"));
        ObjectNode json = JSON.createObjectNode();
        json.set("proxyMetadata", JSON.valueToTree(given));
        ConfigObject object = ConfigObject.root(json, IstioFields.PROXY_CONFIG, new ArrayList<>());

        ProxyConfig merged = ProxyConfigReader.merge(object, base);

        assertEquals(expected, merged.proxyMetadata());
        assertEquals(Duration.ofSeconds(45), merged.drainDuration());
    }
}
