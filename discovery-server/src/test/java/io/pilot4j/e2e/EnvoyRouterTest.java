package io.pilot4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.EnvoyBinary;
import io.pilot4j.testing.EnvoyProcess;
import io.pilot4j.testing.RunningServer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway Envoy ({@code discovery bootstrap --type router}, the node type of seed 001's bootstrap) that no Gateway
 * selects gets every cluster with its endpoints, and no listeners: a router's listeners come only from the Gateways
 * whose selector matches its labels ({@code EnvoyGatewayTest}). Over both ADS flavours: the empty LDS answer that lets
 * it start is a different message in each.
 */
class EnvoyRouterTest {
    private static final String CLUSTER = "outbound|9080||reviews.example.com";

    @RegisterExtension
    final EnvoyProcess.LogOnFailure envoyLogs = new EnvoyProcess.LogOnFailure();

    @ParameterizedTest(name = "--xdsApi {0}")
    @ValueSource(strings = {"grpc", "delta"})
    void routerWithoutAGatewayGetsClustersAndEndpointsButNoListeners(String xdsApi, @TempDir Path configDir, @TempDir Path envoyDir) throws Exception {
        EnvoyBinary.assumeAvailable();
        try (RunningServer server = RunningServer.start(configDir)) {
            server.writeConfig("reviews.yaml", """
                    apiVersion: networking.istio.io/v1
                    kind: ServiceEntry
                    metadata: {name: reviews, namespace: default}
                    spec:
                      hosts: [reviews.example.com]
                      ports:
                      - {number: 9080, name: http, protocol: HTTP}
                      resolution: STATIC
                      endpoints:
                      - address: 10.1.0.1
                      - address: 10.1.0.2
                    """);
            Await.until(Duration.ofSeconds(20), "reviews in /debug/registryz",
                    () -> server.get("/debug/registryz").body().contains("reviews.example.com"));

            try (EnvoyProcess envoy = envoyLogs.watch(EnvoyProcess.bootstrap(envoyDir, "--xdsApi", xdsApi, "--type", "router",
                    "--id", "istio-ingressgateway-1.istio-system", "--discoveryAddress", server.grpcTarget(),
                    "--proxyLogLevel", "info"))) {
                JsonNode dump = envoy.configDump();
                List<String> clusters = new ArrayList<>();
                EnvoyProcess.section(dump, "ClustersConfigDump").path("dynamic_active_clusters")
                        .forEach(c -> clusters.add(c.path("cluster").path("name").asText()));
                assertEquals(List.of("BlackHoleCluster", "PassthroughCluster", CLUSTER), clusters.stream().sorted().toList());
                assertTrue(EnvoyProcess.section(dump, "ListenersConfigDump").path("dynamic_listeners").isEmpty(),
                        () -> EnvoyProcess.section(dump, "ListenersConfigDump").toString());
                assertEquals(1, envoy.stat("listener_manager.lds.update_success"), "an empty LDS answer is still an answer");
                Await.until(Duration.ofSeconds(10), "both endpoints of " + CLUSTER + " in Envoy",
                        () -> envoy.stat("cluster." + CLUSTER + ".membership_total") == 2,
                        () -> envoy.stats("cluster\\." + Pattern.quote(CLUSTER) + "\\.membership").toString());
                envoy.assertNoRejectedUpdates();
            }
        }
    }
}
