package io.pilot4j.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** /debug/mesh output: Istio's names and duration format, and what it shows is exactly what is in force. */
class MeshConfigJsonTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Stream<String> configs() {
        return Stream.of(
                "",
                """
                proxyListenPort: 15101
                connectTimeout: 1.5s
                protocolDetectionTimeout: 250ms
                enableTracing: false
                enableAutoMtls: false
                accessLogEncoding: JSON
                outboundTrafficPolicy: {mode: REGISTRY_ONLY}
                defaultServiceExportTo: []
                defaultConfig:
                  drainDuration: 1m
                  terminationDrainDuration: 0s
                  controlPlaneAuthPolicy: NONE
                  proxyMetadata: {B: "2", A: "1"}
                localityLbSetting:
                  enabled: false
                  distribute: [{from: us-east/*, to: {us-east/*: 70, us-west/*: 30}}]
                  failoverPriority: [example.com/rack]
                """,
                """
                localityLbSetting:
                  failover: [{from: us-east, to: us-west}]
                dnsRefreshRate: 0.000250s
                """);
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("configs")
    void readsBackToAnEqualConfig(String yaml) throws MeshConfigException {
        MeshConfig config = MeshConfigParser.parse(yaml, "mesh.yaml").config();
        ParsedMeshConfig reread = MeshConfigParser.parse(MeshConfigJson.toJson(config), "debug");
        assertEquals(config, reread.config());
        assertEquals(List.of(), reread.warnings());
    }

    static Stream<Arguments> writtenValues() {
        return Stream.of(
                Arguments.of("", "/connectTimeout", "\"10s\""),
                Arguments.of("", "/protocolDetectionTimeout", "\"0s\""),
                Arguments.of("", "/dnsRefreshRate", "\"60s\""),
                Arguments.of("connectTimeout: 1.5s", "/connectTimeout", "\"1.500s\""),
                Arguments.of("connectTimeout: 500ms", "/connectTimeout", "\"0.500s\""),
                Arguments.of("connectTimeout: 1m30s", "/connectTimeout", "\"90s\""),
                Arguments.of("", "/outboundTrafficPolicy", "{\"mode\": \"ALLOW_ANY\"}"),
                Arguments.of("", "/defaultConfig/controlPlaneAuthPolicy", "\"MUTUAL_TLS\""),
                Arguments.of("", "/defaultConfig/drainDuration", "\"45s\""),
                Arguments.of("", "/defaultConfig/proxyAdminPort", "15000"),
                Arguments.of("", "/localityLbSetting",
                        "{\"enabled\": true, \"distribute\": [], \"failover\": [], \"failoverPriority\": []}"),
                Arguments.of("", "/defaultServiceExportTo", "[\"*\"]"),
                Arguments.of("", "/accessLogEncoding", "\"TEXT\""));
    }

    @ParameterizedTest(name = "{1} of \"{0}\"")
    @MethodSource("writtenValues")
    void writesAsIstioDoes(String yaml, String pointer, String expectedJson) throws Exception {
        JsonNode written = JSON.readTree(MeshConfigJson.toJson(MeshConfigParser.parse(yaml, "mesh.yaml").config()));
        assertEquals(JSON.readTree(expectedJson), written.at(pointer));
    }

    /** Every field pilot4j reads is shown, under the name it is read by, and nothing else. */
    @Test
    void writesExactlyTheFieldsItReads() {
        JsonNode written = MeshConfigJson.toTree(MeshConfig.defaults());
        assertEquals(IstioFields.MESH_CONFIG.used(), names(written));
        assertEquals(IstioFields.PROXY_CONFIG.used(), names(written.get("defaultConfig")));
        assertEquals(IstioFields.LOCALITY_LB_SETTING.used(), names(written.get("localityLbSetting")));
        assertEquals(IstioFields.OUTBOUND_TRAFFIC_POLICY.used(), names(written.get("outboundTrafficPolicy")));
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new HashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
