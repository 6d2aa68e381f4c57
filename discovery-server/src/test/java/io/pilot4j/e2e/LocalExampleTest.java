package io.pilot4j.e2e;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.serviceregistry.file.FileRegistry;
import io.pilot4j.translate.EnvoyValidator;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.listener.ListenerGenerator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** examples/local, which the README's Envoy walkthrough serves, gives a local Envoy the listeners it documents. */
class LocalExampleTest {
    /** Maven runs tests in the module directory. */
    private static final Path EXAMPLE = Path.of("..", "examples", "local");
    private static final ProxyView LOCAL_ENVOY = ProxyView.of(Proxy.fromNode("sidecar~127.0.0.1~sleep-1.default~default.svc.cluster.local",
            Map.of("INTERCEPTION_MODE", "NONE"), Map.of()));

    @Test
    void localEnvoyListensWhereTheReadmeSays() throws Exception {
        PushContext push;
        try (FileRegistry registry = new FileRegistry(EXAMPLE, "cluster.local", request -> { })) {
            registry.start();
            RegistrySnapshot snapshot = registry.snapshot();
            assertEquals(List.of(), snapshot.errors());
            push = PushContext.build(1, Instant.EPOCH, MeshConfig.defaults(), List.of(snapshot));
        }

        List<String> listeners = new ListenerGenerator().generate(LOCAL_ENVOY, push, ResourceNames.all()).stream()
                .map(r -> ((Listener) r.resource()).getName()).toList();

        assertEquals(List.of("127.0.0.1_18000", "127.0.0.2_18001"), listeners);
        EnvoyValidator envoy = EnvoyValidator.assumeAvailable();
        EnvoyValidator.Result result = envoy.validate(EnvoyValidator.staticBootstrap(LOCAL_ENVOY, push));
        assertTrue(result.valid(), result::output);
    }
}
