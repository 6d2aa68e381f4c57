package io.pilot4j.mesh;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.pilot4j.mesh.ParseFailure.assertFails;

/** Istio's ValidateMeshConfig rules for the fields pilot4j reads, each naming the field and what is wanted. */
class ValidationErrorTest {

    private static final String DURATION_HINT =
            "(want a number with a unit, e.g. \"10s\", \"1.5s\", \"500ms\", \"1m30s\")";

    static Stream<Arguments> durations() {
        return Stream.of(
                Arguments.of("{\"connectTimeout\": \"ten\"}", "connectTimeout",
                        "invalid duration \"ten\" " + DURATION_HINT),
                Arguments.of("connectTimeout: 10", "connectTimeout", "invalid duration \"10\" " + DURATION_HINT),
                Arguments.of("connectTimeout: -1s", "connectTimeout", "invalid duration \"-1s\" (must not be negative)"),
                Arguments.of("connectTimeout: 0s", "connectTimeout", "0s is too short; want at least 1ms"),
                Arguments.of("connectTimeout: 250us", "connectTimeout", "0.000250s is too short; want at least 1ms"),
                Arguments.of("connectTimeout: 2h", "connectTimeout", "7200s is too long; want at most 1h"),
                Arguments.of("connectTimeout: 1001500us", "connectTimeout",
                        "1.001500s is finer than a millisecond; want whole milliseconds"),
                Arguments.of("protocolDetectionTimeout: 1500us", "protocolDetectionTimeout",
                        "0.001500s is finer than a millisecond; want whole milliseconds"),
                Arguments.of("dnsRefreshRate: 5 seconds", "dnsRefreshRate",
                        "invalid duration \"5 seconds\" " + DURATION_HINT),
                Arguments.of("defaultConfig: {drainDuration: 1.5s}", "defaultConfig.drainDuration",
                        "1.500s is not whole seconds"),
                Arguments.of("defaultConfig: {drainDuration: 0s}", "defaultConfig.drainDuration",
                        "0s is too short; want at least 1s"),
                Arguments.of("defaultConfig: {terminationDrainDuration: 5}", "defaultConfig.terminationDrainDuration",
                        "invalid duration \"5\" " + DURATION_HINT));
    }

    static Stream<Arguments> numbers() {
        return Stream.of(
                Arguments.of("proxyListenPort: 0", "proxyListenPort", "0 is out of range 1-65535"),
                Arguments.of("proxyListenPort: 65536", "proxyListenPort", "65536 is out of range 1-65535"),
                Arguments.of("proxyInboundListenPort: -1", "proxyInboundListenPort", "-1 is out of range 1-65535"),
                Arguments.of("{\"defaultConfig\": {\"proxyAdminPort\": 70000}}", "defaultConfig.proxyAdminPort",
                        "70000 is out of range 1-65535"),
                Arguments.of("defaultConfig: {statusPort: 0}", "defaultConfig.statusPort", "0 is out of range 1-65535"),
                Arguments.of("defaultConfig: {concurrency: -1}", "defaultConfig.concurrency",
                        "-1 is negative; want 0 or more"),
                Arguments.of("defaultConfig: {statNameLength: -189}", "defaultConfig.statNameLength",
                        "-189 is negative; want 0 or more"));
    }

    static Stream<Arguments> enums() {
        return Stream.of(
                Arguments.of("{\"outboundTrafficPolicy\": {\"mode\": \"ALLOW_ALL\"}}", "outboundTrafficPolicy.mode",
                        "\"ALLOW_ALL\" is not one of ALLOW_ANY, REGISTRY_ONLY"),
                Arguments.of("outboundTrafficPolicy: {mode: allow_any}", "outboundTrafficPolicy.mode",
                        "\"allow_any\" is not one of ALLOW_ANY, REGISTRY_ONLY"),
                Arguments.of("outboundTrafficPolicy: {mode: 1}", "outboundTrafficPolicy.mode",
                        "1 is not one of ALLOW_ANY, REGISTRY_ONLY"),
                Arguments.of("defaultConfig: {controlPlaneAuthPolicy: TLS}", "defaultConfig.controlPlaneAuthPolicy",
                        "\"TLS\" is not one of NONE, MUTUAL_TLS"),
                // A workload policy; Istio refuses it for the control plane.
                Arguments.of("defaultConfig: {controlPlaneAuthPolicy: INHERIT}", "defaultConfig.controlPlaneAuthPolicy",
                        "\"INHERIT\" is not one of NONE, MUTUAL_TLS"),
                Arguments.of("accessLogEncoding: YAML", "accessLogEncoding", "\"YAML\" is not one of TEXT, JSON"));
    }

    static Stream<Arguments> names() {
        String exportTo = "is not \"*\" (all), \".\" (own namespace), \"~\" (none) or a namespace name";
        return Stream.of(
                Arguments.of("defaultServiceExportTo: [\"*\", Default]", "defaultServiceExportTo[1]",
                        "\"Default\" " + exportTo),
                Arguments.of("defaultVirtualServiceExportTo: [\"\"]", "defaultVirtualServiceExportTo[0]",
                        "\"\" " + exportTo),
                Arguments.of("defaultDestinationRuleExportTo: [\".\", \"~\", ns_1]", "defaultDestinationRuleExportTo[2]",
                        "\"ns_1\" " + exportTo),
                Arguments.of("trustDomain: \"\"", "trustDomain",
                        "\"\" is not a domain name of lower-case DNS labels, e.g. \"cluster.local\""),
                Arguments.of("trustDomain: Cluster.Local", "trustDomain",
                        "\"Cluster.Local\" is not a domain name of lower-case DNS labels, e.g. \"cluster.local\""),
                Arguments.of("defaultConfig: {discoveryAddress: \"\"}", "defaultConfig.discoveryAddress",
                        "must not be empty"),
                Arguments.of("defaultConfig: {discoveryAddress: localhost}", "defaultConfig.discoveryAddress",
                        "\"localhost\" is not host:port (e.g. \"istiod.istio-system.svc:15012\")"),
                Arguments.of("defaultConfig: {discoveryAddress: \"localhost:http\"}", "defaultConfig.discoveryAddress",
                        "\"localhost:http\" is not host:port (e.g. \"istiod.istio-system.svc:15012\")"),
                Arguments.of("defaultConfig: {discoveryAddress: \"localhost:0\"}", "defaultConfig.discoveryAddress",
                        "\"localhost:0\": port 0 is out of range 1-65535"),
                Arguments.of("defaultConfig: {discoveryAddress: \"::1:15010\"}", "defaultConfig.discoveryAddress",
                        "\"::1:15010\": put an IPv6 address in brackets, e.g. \"[::1]:15010\""),
                Arguments.of("defaultConfig: {configPath: \"\"}", "defaultConfig.configPath", "must not be empty"),
                Arguments.of("defaultConfig: {binaryPath: \"\"}", "defaultConfig.binaryPath", "must not be empty"),
                Arguments.of("defaultConfig: {serviceCluster: \"\"}", "defaultConfig.serviceCluster",
                        "must not be empty"));
    }

    static Stream<Arguments> localityLbSettings() {
        return Stream.of(
                Arguments.of("""
                        localityLbSetting:
                          distribute: [{from: us-east/*, to: {us-west/*: 100}}]
                          failover: [{from: us-east, to: us-west}]
                        """, "localityLbSetting", "distribute and failover can not both be set"),
                Arguments.of("""
                        localityLbSetting:
                          distribute:
                            - {from: us-east/*, to: {us-east/*: 100}}
                            - {from: us-west/*, to: {us-west/*: 60, us-east/*: 30}}
                        """, "localityLbSetting.distribute[1].to", "weights add up to 90; want 100"),
                Arguments.of("""
                        localityLbSetting:
                          distribute: [{from: us-east/*, to: {}}]
                        """, "localityLbSetting.distribute[0].to", "weights add up to 0; want 100"),
                Arguments.of("""
                        localityLbSetting:
                          distribute: [{from: us-east/*, to: {us-east/*: 0, us-west/*: 100}}]
                        """, "localityLbSetting.distribute[0].to[\"us-east/*\"]", "weight 0 is out of range 1-100"),
                Arguments.of("""
                        localityLbSetting:
                          distribute: [{from: "*/zone1", to: {us-east/*: 100}}]
                        """, "localityLbSetting.distribute[0].from", "\"*/zone1\": at most one '*' wildcard, and only at the end"),
                Arguments.of("""
                        localityLbSetting:
                          distribute: [{from: us-east/*, to: {"/zone1": 100}}]
                        """, "localityLbSetting.distribute[0].to[\"/zone1\"]", "\"/zone1\" has an empty region, zone or subzone"),
                Arguments.of("""
                        localityLbSetting:
                          failover:
                            - {from: us-east, to: us-west}
                            - {from: eu-west, to: eu-west}
                        """, "localityLbSetting.failover[1]",
                        "from and to are both \"eu-west\"; want two different regions"),
                Arguments.of("""
                        localityLbSetting:
                          failover: [{from: us-east/zone1, to: us-west}]
                        """, "localityLbSetting.failover[0].from",
                        "\"us-east/zone1\" is not a region (no \"/\" or \"*\")"),
                Arguments.of("""
                        localityLbSetting:
                          failover: [{from: us-east, to: "*"}]
                        """, "localityLbSetting.failover[0].to", "\"*\" is not a region (no \"/\" or \"*\")"),
                Arguments.of("""
                        localityLbSetting:
                          failover: [{from: us-east, to: us-west}]
                          failoverPriority: [example.com/rack, topology.kubernetes.io/zone]
                        """, "localityLbSetting.failoverPriority[1]",
                        "\"topology.kubernetes.io/zone\" can not be used together with failover"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"durations", "numbers", "enums", "names", "localityLbSettings"})
    void namesTheFieldAndWhatIsWanted(String text, String fieldPath, String problem) {
        assertFails(text, fieldPath, problem);
    }
}
