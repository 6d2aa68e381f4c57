package io.pilot4j.mesh;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.pilot4j.mesh.ParseFailure.assertFails;

/** A value of the wrong kind names the field and says what kind was wanted. */
class TypeErrorTest {

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("{\"proxyListenPort\": \"abc\"}", "proxyListenPort", "want a number, got \"abc\""),
                Arguments.of("proxyListenPort: true", "proxyListenPort", "want a number, got true"),
                Arguments.of("proxyListenPort: 1.5", "proxyListenPort", "want a whole number, got 1.5"),
                Arguments.of("proxyListenPort: [1]", "proxyListenPort", "want a number, got a list"),
                Arguments.of("proxyListenPort: 99999999999", "proxyListenPort",
                        "99999999999 is out of range for a 32-bit integer"),
                Arguments.of("defaultConfig: {concurrency: two}", "defaultConfig.concurrency",
                        "want a number, got \"two\""),
                Arguments.of("defaultConfig: x", "defaultConfig", "want an object of ProxyConfig fields, got \"x\""),
                Arguments.of("defaultConfig: [1]", "defaultConfig", "want an object of ProxyConfig fields, got a list"),
                Arguments.of("outboundTrafficPolicy: ALLOW_ANY", "outboundTrafficPolicy",
                        "want an object of MeshConfig.OutboundTrafficPolicy fields, got \"ALLOW_ANY\""),
                Arguments.of("localityLbSetting: true", "localityLbSetting",
                        "want an object of LocalityLoadBalancerSetting fields, got true"),
                Arguments.of("localityLbSetting: {enabled: \"yes\"}", "localityLbSetting.enabled",
                        "want true or false, got \"yes\""),
                Arguments.of("localityLbSetting: {distribute: {from: a}}", "localityLbSetting.distribute",
                        "want a list, got an object"),
                Arguments.of("localityLbSetting: {distribute: [x]}", "localityLbSetting.distribute[0]",
                        "want an object of LocalityLoadBalancerSetting.Distribute fields, got \"x\""),
                Arguments.of("localityLbSetting: {distribute: [{from: a/*, to: {b/*: lots}}]}",
                        "localityLbSetting.distribute[0].to[\"b/*\"]", "want a number, got \"lots\""),
                Arguments.of("localityLbSetting: {distribute: [{from: a/*, to: {b/*: -5}}]}",
                        "localityLbSetting.distribute[0].to[\"b/*\"]", "-5 is negative; want 0 or more"),
                Arguments.of("localityLbSetting: {failover: [{from: 1, to: b}]}", "localityLbSetting.failover[0].from",
                        "want a string, got 1 (put it in quotes)"),
                Arguments.of("defaultServiceExportTo: \"*\"", "defaultServiceExportTo", "want a list, got \"*\""),
                Arguments.of("defaultServiceExportTo: [\"*\", 7]", "defaultServiceExportTo[1]",
                        "want a string, got 7 (put it in quotes)"),
                Arguments.of("enableTracing: \"false\"", "enableTracing", "want true or false, got \"false\""),
                Arguments.of("rootNamespace: {a: b}", "rootNamespace", "want a string, got an object"),
                Arguments.of("defaultConfig: {proxyMetadata: {DNS_CAPTURE: true}}",
                        "defaultConfig.proxyMetadata[\"DNS_CAPTURE\"]", "want a string, got true (put it in quotes)"),
                Arguments.of("defaultConfig: {proxyMetadata: [A]}", "defaultConfig.proxyMetadata",
                        "want an object of key: value pairs, got a list"),
                Arguments.of("connectTimeout: true", "connectTimeout", "want a duration such as \"10s\", got true"),
                Arguments.of("connectTimeout: {seconds: 10}", "connectTimeout",
                        "want a duration such as \"10s\", got an object"),
                // Both spellings of one field: protobuf JSON refuses, since one would silently win.
                Arguments.of("connectTimeout: 1s\nconnect_timeout: 2s", "connectTimeout",
                        "given twice, as \"connectTimeout\" and \"connect_timeout\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongTypes")
    void namesTheFieldAndTheWantedType(String text, String fieldPath, String problem) {
        assertFails(text, fieldPath, problem);
    }
}
