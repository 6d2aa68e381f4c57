package io.pilot4j.mesh;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The mesh file from the "run pilot-discovery locally" blog post, which users copy as is. It predates the removal
 * of Mixer, so it must load, telling the user which of its fields Istio no longer has.
 */
class SeedFileTest {

    private static ParsedMeshConfig seed;

    @BeforeAll
    static void load() throws Exception {
        seed = MeshConfigParser.read(Path.of(SeedFileTest.class.getResource("/seed-001-mesh.json").toURI()));
    }

    @Test
    void warnsAboutTheFieldsIstioRemoved() {
        assertEquals(List.of(
                "unknown field \"disablePolicyChecks\" (not in Istio's MeshConfig; ignored)",
                "unknown field \"disableMixerHttpReports\" (not in Istio's MeshConfig; ignored)",
                "unknown field \"reportBatchMaxEntries\" (not in Istio's MeshConfig; ignored)",
                "unknown field \"reportBatchMaxTime\" (not in Istio's MeshConfig; ignored)",
                // Istio dropped thriftConfig in 2022 (reserved in config.proto), so it is as dead as Mixer's.
                "unknown field \"thriftConfig\" (not in Istio's MeshConfig; ignored)"),
                seed.warnings());
    }

    static Stream<Arguments> values() {
        return Stream.of(
                value("proxyListenPort", MeshConfig::proxyListenPort, 15001),
                value("connectTimeout", MeshConfig::connectTimeout, Duration.ofSeconds(10)),
                value("protocolDetectionTimeout", MeshConfig::protocolDetectionTimeout, Duration.ofSeconds(5)),
                value("dnsRefreshRate", MeshConfig::dnsRefreshRate, Duration.ofSeconds(5)),
                value("outboundTrafficPolicy.mode", m -> m.outboundTrafficPolicy().mode(),
                        OutboundTrafficPolicy.Mode.ALLOW_ANY),
                value("defaultServiceExportTo", MeshConfig::defaultServiceExportTo, List.of("*")),
                value("defaultVirtualServiceExportTo", MeshConfig::defaultVirtualServiceExportTo, List.of("*")),
                value("defaultDestinationRuleExportTo", MeshConfig::defaultDestinationRuleExportTo, List.of("*")),
                value("localityLbSetting", MeshConfig::localityLbSetting, LocalityLbSetting.defaults()),
                value("defaultConfig.controlPlaneAuthPolicy", m -> m.defaultConfig().controlPlaneAuthPolicy(),
                        ProxyConfig.AuthenticationPolicy.NONE),
                value("defaultConfig.discoveryAddress", m -> m.defaultConfig().discoveryAddress(), "localhost:15012"),
                value("defaultConfig.configPath", m -> m.defaultConfig().configPath(), "./etc/istio/proxy"),
                value("defaultConfig.binaryPath", m -> m.defaultConfig().binaryPath(), "/usr/local/bin/envoy"),
                value("defaultConfig.serviceCluster", m -> m.defaultConfig().serviceCluster(), "istio-proxy"),
                value("defaultConfig.drainDuration", m -> m.defaultConfig().drainDuration(), Duration.ofSeconds(45)),
                value("defaultConfig.parentShutdownDuration", m -> m.defaultConfig().parentShutdownDuration(),
                        Duration.ofSeconds(60)),
                value("defaultConfig.terminationDrainDuration", m -> m.defaultConfig().terminationDrainDuration(),
                        Duration.ofSeconds(5)),
                value("defaultConfig.proxyAdminPort", m -> m.defaultConfig().proxyAdminPort(), 15000),
                value("defaultConfig.statNameLength", m -> m.defaultConfig().statNameLength(), 189),
                value("defaultConfig.concurrency", m -> m.defaultConfig().concurrency(), 2),
                value("defaultConfig.statusPort", m -> m.defaultConfig().statusPort(), 15020),
                value("defaultConfig.proxyMetadata", m -> m.defaultConfig().proxyMetadata(), Map.of()),
                // Not in the seed: Istio's defaults.
                value("proxyInboundListenPort", MeshConfig::proxyInboundListenPort, 15006),
                value("rootNamespace", MeshConfig::rootNamespace, "istio-system"),
                value("trustDomain", MeshConfig::trustDomain, "cluster.local"),
                value("enableAutoMtls", MeshConfig::enableAutoMtls, true));
    }

    private static Arguments value(String field, Function<MeshConfig, Object> getter, Object expected) {
        return Arguments.of(field, getter, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void hasTheSeedsValues(String field, Function<MeshConfig, Object> getter, Object expected) {
        assertEquals(expected, getter.apply(seed.config()));
    }
}
