package io.pilot4j.e2e;

import com.google.protobuf.Any;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.pilot4j.testing.AdsClient;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The mesh file is watched: a valid edit reaches connected proxies, an invalid one changes nothing. */
class MeshReloadTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String RDS = Resources.V3.ROUTE_TYPE_URL;

    @Test
    void validEditIsPushedAndInvalidEditKeepsThePreviousConfig(@TempDir Path meshDir, @TempDir Path configDir) throws Exception {
        Path mesh = meshDir.resolve("mesh.json");
        Files.writeString(mesh, "{\"outboundTrafficPolicy\": {\"mode\": \"ALLOW_ANY\"}}");
        try (RunningServer server = RunningServer.start(configDir, mesh, true);
             AdsClient envoy = new AdsClient(server.grpcTarget(), "sidecar~10.0.0.1~a.default~default.svc.cluster.local", Map.of())) {
            envoy.send(RDS, List.of("80"), "", "");
            DiscoveryResponse first = envoy.next(WAIT);
            assertEquals(List.of("allow_any"), virtualHosts(first));
            envoy.ack(first, List.of("80"));

            server.writeMeshConfig("{\"outboundTrafficPolicy\": {\"mode\": \"REGISTRY_ONLY\"}}");
            DiscoveryResponse pushed = envoy.next(WAIT);
            assertEquals(RDS, pushed.getTypeUrl());
            assertEquals(List.of("block_all"), virtualHosts(pushed), "the catch-all must follow the reloaded outboundTrafficPolicy");
            envoy.ack(pushed, List.of("80"));

            server.writeMeshConfig("{\"outboundTrafficPolicy\": {\"mode\": \"ALLOW_EVERYTHING\"}}");
            // Once the refusal shows, prove no push went out: the next message must answer our own subscription change.
            Await.until(WAIT, "the refused mesh edit in /debug/push_status",
                    () -> server.get("/debug/push_status").body().contains("outboundTrafficPolicy.mode"),
                    () -> server.get("/debug/push_status").body());
            envoy.send(RDS, List.of("80", "81"), pushed.getVersionInfo(), pushed.getNonce());
            DiscoveryResponse answer = envoy.next(WAIT);
            assertEquals(RDS, answer.getTypeUrl());
            assertEquals(List.of("block_all", "block_all"), virtualHosts(answer), "the invalid edit must leave REGISTRY_ONLY in effect");
            assertEquals("REGISTRY_ONLY", new com.fasterxml.jackson.databind.ObjectMapper().readTree(server.get("/debug/mesh").body())
                    .path("outboundTrafficPolicy").path("mode").asText());
        }
    }

    private static List<String> virtualHosts(DiscoveryResponse response) throws Exception {
        List<String> names = new ArrayList<>();
        for (Any a : response.getResourcesList()) {
            for (VirtualHost vh : a.unpack(RouteConfiguration.class).getVirtualHostsList()) {
                names.add(vh.getName());
            }
        }
        return names;
    }
}
