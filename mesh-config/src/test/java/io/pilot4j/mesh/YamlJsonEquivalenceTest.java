package io.pilot4j.mesh;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Istio's mesh config is usually YAML (a ConfigMap); the same settings as JSON must mean the same thing. */
class YamlJsonEquivalenceTest {

    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of("""
                        proxyListenPort: 15101
                        connectTimeout: 5s
                        outboundTrafficPolicy:
                          mode: REGISTRY_ONLY
                        """, """
                        {"proxyListenPort": 15101, "connectTimeout": "5s", "outboundTrafficPolicy": {"mode": "REGISTRY_ONLY"}}
                        """),
                Arguments.of("""
                        defaultConfig:
                          discoveryAddress: 127.0.0.1:15010
                          concurrency: 0
                          proxyMetadata:
                            DNS_CAPTURE: "true"
                        defaultServiceExportTo:
                          - "."
                          - istio-system
                        """, """
                        {
                          "defaultConfig": {
                            "discoveryAddress": "127.0.0.1:15010",
                            "concurrency": 0,
                            "proxyMetadata": {"DNS_CAPTURE": "true"}
                          },
                          "defaultServiceExportTo": [".", "istio-system"]
                        }
                        """),
                Arguments.of("""
                        localityLbSetting:
                          enabled: true
                          distribute:
                            - from: us-east/*
                              to:
                                us-east/*: 70
                                us-west/*: 30
                        protocolDetectionTimeout: 0
                        """, """
                        {
                        \t"localityLbSetting": {
                        \t\t"enabled": true,
                        \t\t"distribute": [{"from": "us-east/*", "to": {"us-east/*": 70, "us-west/*": 30}}]
                        \t},
                        \t"protocolDetectionTimeout": "0s"
                        }
                        """));
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("pairs")
    void sameConfig(String yaml, String json) throws MeshConfigException {
        MeshConfig fromYaml = MeshConfigParser.parse(yaml, "mesh.yaml").config();
        MeshConfig fromJson = MeshConfigParser.parse(json, "mesh.json").config();
        assertEquals(fromYaml, fromJson);
        // An equality that holds for defaults alone would prove nothing.
        assertNotEquals(MeshConfig.defaults(), fromYaml);
    }
}
