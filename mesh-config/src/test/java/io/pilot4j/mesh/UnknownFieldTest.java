package io.pilot4j.mesh;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fields pilot4j doesn't read never stop it from starting. Istio's own fields pass silently (the file is valid
 * Istio config, nothing for the user to fix); anything else is named, since it is a typo or a removed field whose
 * setting is silently not in effect.
 */
class UnknownFieldTest {

    static Stream<Arguments> warnings() {
        return Stream.of(
                Arguments.of("mixerCheckServer: istio-policy:15004",
                        List.of("unknown field \"mixerCheckServer\" (not in Istio's MeshConfig; ignored)")),
                Arguments.of("connectTimout: 5s",
                        List.of("unknown field \"connectTimout\" (not in Istio's MeshConfig; ignored)")),
                Arguments.of("disable_policy_checks: true",
                        List.of("unknown field \"disable_policy_checks\" (not in Istio's MeshConfig; ignored)")),
                Arguments.of("thriftConfig: {}",
                        List.of("unknown field \"thriftConfig\" (not in Istio's MeshConfig; ignored)")),
                Arguments.of("defaultConfig: {connectTimeout: 1s, concurrency: 1}",
                        List.of("unknown field \"defaultConfig.connectTimeout\" (not in Istio's ProxyConfig; ignored)")),
                Arguments.of("outboundTrafficPolicy: {mode: ALLOW_ANY, egressProxy: {host: egress}}",
                        List.of("unknown field \"outboundTrafficPolicy.egressProxy\" "
                                + "(not in Istio's MeshConfig.OutboundTrafficPolicy; ignored)")),
                Arguments.of("localityLbSetting: {distribute: [{from: a/*, to: {b/*: 100}, weight: 1}]}",
                        List.of("unknown field \"localityLbSetting.distribute[0].weight\" "
                                + "(not in Istio's LocalityLoadBalancerSetting.Distribute; ignored)")),
                Arguments.of("localityLbSetting: {failover: [{from: a, to: b, priority: 1}]}",
                        List.of("unknown field \"localityLbSetting.failover[0].priority\" "
                                + "(not in Istio's LocalityLoadBalancerSetting.Failover; ignored)")),
                Arguments.of("""
                        defaultConfig:
                          bogus: 1
                        reportBatchMaxTime: 1s
                        localityLbSetting: {weights: []}
                        """, List.of(
                        "unknown field \"reportBatchMaxTime\" (not in Istio's MeshConfig; ignored)",
                        "unknown field \"defaultConfig.bogus\" (not in Istio's ProxyConfig; ignored)",
                        "unknown field \"localityLbSetting.weights\" "
                                + "(not in Istio's LocalityLoadBalancerSetting; ignored)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("warnings")
    void warnsOncePerFieldWithItsPath(String yaml, List<String> expected) throws MeshConfigException {
        assertEquals(expected, MeshConfigParser.parse(yaml, "mesh.yaml").warnings());
    }

    static Stream<String> istioFields() {
        return Stream.of(
                "extensionProviders: [{name: otel, opentelemetry: {service: otel.observability, port: 4317}}]",
                "defaultProviders: {tracing: [otel], metrics: [prometheus]}",
                "certificates: []",
                "serviceSettings: [{settings: {clusterLocal: true}, hosts: [\"*.internal\"]}]",
                "trustDomainAliases: [old.local]",
                "inboundTrafficPolicy: {mode: LOCALHOST}",
                "h2UpgradePolicy: UPGRADE",
                "enablePrometheusMerge: true",
                "discoverySelectors: [{matchLabels: {env: prod}}]",
                "meshMTLS: {minProtocolVersion: TLSV1_3}",
                "tlsDefaults: {ecdhCurves: [P-256]}",
                "caCertificates: [{pem: \"-----BEGIN CERTIFICATE-----\"}]",
                "tcpKeepalive: {time: 7200s}",
                "proxyHttpPort: 15080",
                "verifyCertificateAtClient: true",
                "enableEnvoyAccessLogService: true",
                "ingressControllerMode: STRICT",
                "defaultConfig: {tracing: {zipkin: {address: zipkin.istio-system:9411}}}",
                "defaultConfig: {envoyAccessLogService: {}, envoyMetricsService: {}}",
                "defaultConfig: {holdApplicationUntilProxyStarts: true}",
                "defaultConfig: {tracingServiceName: CANONICAL_NAME_ONLY, meshId: mesh1, proxyStatsMatcher: {}}",
                "outboundTrafficPolicy: {mode: ALLOW_ANY, tls: {mode: SIMPLE}}",
                // Istio's names given as proto names are still Istio's.
                "mesh_mTLS: {}",
                "enable_prometheus_merge: false",
                // Inside a field pilot4j ignores, nothing is looked at.
                "extensionProviders: [{name: x, notAField: 1}]");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("istioFields")
    void acceptsIstiosOwnFieldsSilently(String yaml) throws MeshConfigException {
        ParsedMeshConfig parsed = MeshConfigParser.parse(yaml, "mesh.yaml");
        assertEquals(List.of(), parsed.warnings());
        // Only defaultConfig and outboundTrafficPolicy are read at all here, and only ignored parts of them.
        assertEquals(MeshConfig.defaults().defaultConfig(), parsed.config().defaultConfig());
    }
}
