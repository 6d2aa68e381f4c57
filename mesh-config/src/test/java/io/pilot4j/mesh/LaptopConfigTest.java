package io.pilot4j.mesh;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** config/mesh.json is what the README tells people to start with; it must load cleanly and mean what it says. */
class LaptopConfigTest {

    /** Maven runs tests in the module directory; the file lives at the repository root. */
    private static final Path FILE = Path.of("..", "config", "mesh.json");

    private static ParsedMeshConfig laptop;

    @BeforeAll
    static void load() throws MeshConfigException {
        laptop = MeshConfigParser.read(FILE);
    }

    @Test
    void loadsWithoutWarnings() {
        assertEquals(List.of(), laptop.warnings());
    }

    static Stream<Arguments> values() {
        return Stream.of(
                Arguments.of("proxyListenPort", (Function<MeshConfig, Object>) MeshConfig::proxyListenPort, 15001),
                Arguments.of("connectTimeout", (Function<MeshConfig, Object>) MeshConfig::connectTimeout,
                        Duration.ofSeconds(10)),
                Arguments.of("allowAnyOutbound", (Function<MeshConfig, Object>) MeshConfig::allowAnyOutbound, true),
                Arguments.of("defaultConfig.discoveryAddress",
                        (Function<MeshConfig, Object>) m -> m.defaultConfig().discoveryAddress(), "127.0.0.1:15010"),
                Arguments.of("defaultConfig.controlPlaneAuthPolicy",
                        (Function<MeshConfig, Object>) m -> m.defaultConfig().controlPlaneAuthPolicy(),
                        ProxyConfig.AuthenticationPolicy.NONE),
                Arguments.of("defaultConfig.proxyAdminPort",
                        (Function<MeshConfig, Object>) m -> m.defaultConfig().proxyAdminPort(), 15000),
                Arguments.of("defaultConfig.statNameLength",
                        (Function<MeshConfig, Object>) m -> m.defaultConfig().statNameLength(), 189),
                Arguments.of("defaultConfig.concurrency",
                        (Function<MeshConfig, Object>) m -> m.defaultConfig().concurrency(), 2),
                Arguments.of("defaultConfig.drainDuration",
                        (Function<MeshConfig, Object>) m -> m.defaultConfig().drainDuration(), Duration.ofSeconds(45)),
                Arguments.of("localityLbSetting.enabled",
                        (Function<MeshConfig, Object>) m -> m.localityLbSetting().enabled(), true),
                Arguments.of("defaultServiceExportTo",
                        (Function<MeshConfig, Object>) MeshConfig::defaultServiceExportTo, List.of("*")),
                Arguments.of("defaultVirtualServiceExportTo",
                        (Function<MeshConfig, Object>) MeshConfig::defaultVirtualServiceExportTo, List.of("*")),
                Arguments.of("defaultDestinationRuleExportTo",
                        (Function<MeshConfig, Object>) MeshConfig::defaultDestinationRuleExportTo, List.of("*")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void hasTheLaptopValues(String field, Function<MeshConfig, Object> getter, Object expected) {
        assertEquals(expected, getter.apply(laptop.config()));
    }
}
