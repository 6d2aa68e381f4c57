package io.pilot4j.mesh;

import io.pilot4j.mesh.OutboundTrafficPolicy.Mode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Outside defaultConfig a given field replaces the default whole, as in Istio: a given list is the list, a given
 * message starts from protobuf's zero values. The surprising cases are here on purpose, since Istio users rely on
 * Istio's behaviour.
 */
class OverrideTest {

    static Stream<Arguments> overrides() {
        return Stream.of(
                Arguments.of("proxyListenPort: 15101", get(MeshConfig::proxyListenPort), 15101),
                Arguments.of("connectTimeout: 1.5s", get(MeshConfig::connectTimeout), Duration.ofMillis(1500)),
                Arguments.of("connectTimeout: 1m30s", get(MeshConfig::connectTimeout), Duration.ofSeconds(90)),
                Arguments.of("protocolDetectionTimeout: 0", get(MeshConfig::protocolDetectionTimeout), Duration.ZERO),
                Arguments.of("dnsRefreshRate: 250ms", get(MeshConfig::dnsRefreshRate), Duration.ofMillis(250)),
                Arguments.of("defaultServiceExportTo: [\".\", istio-system]",
                        get(MeshConfig::defaultServiceExportTo), List.of(".", "istio-system")),
                Arguments.of("defaultServiceExportTo: []", get(MeshConfig::defaultServiceExportTo), List.of()),
                Arguments.of("enableTracing: false", get(MeshConfig::enableTracing), false),
                Arguments.of("enableAutoMtls: false", get(MeshConfig::enableAutoMtls), false),
                Arguments.of("accessLogEncoding: JSON", get(MeshConfig::accessLogEncoding),
                        MeshConfig.AccessLogEncoding.JSON),
                Arguments.of("accessLogFile: /dev/stdout", get(MeshConfig::accessLogFile), "/dev/stdout"),
                Arguments.of("trustDomain: example.org", get(MeshConfig::trustDomain), "example.org"),
                Arguments.of("outboundTrafficPolicy: {mode: REGISTRY_ONLY}",
                        get(m -> m.outboundTrafficPolicy().mode()), Mode.REGISTRY_ONLY),
                // protobuf's zero value for the enum: Istio blocks unknown egress here too.
                Arguments.of("outboundTrafficPolicy: {}", get(m -> m.outboundTrafficPolicy().mode()),
                        Mode.REGISTRY_ONLY),
                Arguments.of("localityLbSetting: {enabled: false}", get(m -> m.localityLbSetting().enabled()), false),
                // An unset BoolValue: Istio treats only an explicit false as off.
                Arguments.of("localityLbSetting: {}", get(m -> m.localityLbSetting().enabled()), true),
                Arguments.of("localityLbSetting: {failover: [{from: us-east, to: us-west}]}",
                        get(MeshConfig::localityLbSetting), new LocalityLbSetting(true, List.of(),
                                List.of(new LocalityLbSetting.Failover("us-east", "us-west")), List.of())),
                Arguments.of("localityLbSetting: {distribute: [{from: us-east/*, to: {us-east/*: 80, us-west/*: 20}}]}",
                        get(m -> m.localityLbSetting().distribute()), List.of(new LocalityLbSetting.Distribute(
                                "us-east/*", Map.of("us-east/*", 80, "us-west/*", 20)))),
                // null is protobuf JSON's "not set", which here means the default.
                Arguments.of("connectTimeout: null", get(MeshConfig::connectTimeout), Duration.ofSeconds(10)),
                Arguments.of("outboundTrafficPolicy: ~", get(m -> m.outboundTrafficPolicy().mode()), Mode.ALLOW_ANY),
                // protobuf JSON also takes the proto field names and quoted integers.
                Arguments.of("proxy_listen_port: 15101", get(MeshConfig::proxyListenPort), 15101),
                Arguments.of("default_config: {proxy_admin_port: 15100}",
                        get(m -> m.defaultConfig().proxyAdminPort()), 15100),
                Arguments.of("proxyListenPort: \"15101\"", get(MeshConfig::proxyListenPort), 15101),
                Arguments.of("proxyListenPort: 15101.0", get(MeshConfig::proxyListenPort), 15101));
    }

    private static Function<MeshConfig, Object> get(Function<MeshConfig, Object> getter) {
        return getter;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overrides")
    void givenFieldReplacesTheDefault(String yaml, Function<MeshConfig, Object> getter, Object expected)
            throws MeshConfigException {
        assertEquals(expected, getter.apply(MeshConfigParser.parse(yaml, "mesh.yaml").config()));
    }
}
