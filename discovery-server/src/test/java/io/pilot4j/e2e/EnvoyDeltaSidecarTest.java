package io.pilot4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.Closeables;
import io.pilot4j.testing.EnvoyBinary;
import io.pilot4j.testing.EnvoyProcess;
import io.pilot4j.testing.FreePorts;
import io.pilot4j.testing.HttpBackends;
import io.pilot4j.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Envoy bootstrapped by {@code discovery bootstrap} with its default, delta ADS (DELTA_GRPC, as Istio since
 * 1.22), converges on pilot4j's config and follows it: endpoints that move (one assignment pushed, nothing else),
 * a service that appears (its cluster warms on endpoints Envoy subscribes to by name), clusters that change (their
 * unchanged endpoints follow so they finish warming), a service that goes (removed by name), and a control plane
 * restart (Envoy's initial_resource_versions match, nothing is sent again). One server and one Envoy serve all
 * steps, in order; after each, Envoy must have rejected nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnvoyDeltaSidecarTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PROXY_ID = "sleep-1.default";
    private static final String WEB = "web.example.com";
    private static final String API = "api.default.svc.cluster.local";

    @RegisterExtension
    final EnvoyProcess.LogOnFailure envoyLogs = new EnvoyProcess.LogOnFailure();

    private HttpBackends backends;
    private RunningServer server;
    private Path configDir;
    private EnvoyProcess envoy;
    private int webPort;
    private int apiPort;

    @BeforeAll
    void start(@TempDir Path configDir, @TempDir Path meshDir, @TempDir Path envoyDir) throws Exception {
        EnvoyBinary.assumeAvailable();
        this.configDir = configDir;
        backends = HttpBackends.start("web-1", "web-2", "api-1");
        int[] ports = FreePorts.pick(2);
        webPort = ports[0];
        apiPort = ports[1];
        // One worker, so round robin is observable request by request.
        Path mesh = Files.writeString(meshDir.resolve("mesh.json"), "{\"defaultConfig\": {\"concurrency\": 1}}");
        server = RunningServer.start(configDir, mesh, true);
        server.writeConfig("web.yaml", webEntry(backends.port(0), backends.port(1)));
        Await.until(WAIT, "web in /debug/registryz", () -> server.get("/debug/registryz").body().contains(WEB));
        envoy = envoyLogs.watch(EnvoyProcess.bootstrap(envoyDir, "--id", PROXY_ID, "--labels", "app=sleep",
                "--meshConfig", mesh.toString(), "--discoveryAddress", server.grpcTarget(), "--proxyLogLevel", "info"));
    }

    @AfterEach
    void envoyRejectedNothing() {
        envoy.assertNoRejectedUpdates();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(envoy, server, backends);
    }

    @Test
    @Order(1)
    void convergesOverDeltaAndAcksEveryType() throws IOException {
        Await.until(WAIT, "Envoy to ACK the last response of every type", () -> {
            JsonNode types = syncz().path("types");
            for (String type : List.of("CDS", "EDS", "LDS", "RDS")) {
                JsonNode t = types.path(type);
                if (t.path("nonce_sent").asText().isEmpty() || !t.path("nonce_sent").asText().equals(t.path("nonce_acked").asText())) {
                    return false;
                }
            }
            return true;
        }, () -> syncz().toString());
        JsonNode syncz = syncz();
        assertEquals("delta", syncz.path("stream").asText(), "discovery bootstrap defaults to delta ADS");
        assertTrue(syncz.path("types").path("CDS").path("wildcard").asBoolean() && syncz.path("types").path("LDS").path("wildcard").asBoolean());
        assertEquals("[\"outbound|" + webPort + "||" + WEB + "\"]", syncz.path("types").path("EDS").path("names").toString());

        JsonNode dump = envoy.configDump();
        Set<String> clusters = clusters(dump);
        assertEquals(Set.of("outbound|" + webPort + "||" + WEB, "BlackHoleCluster", "PassthroughCluster"), clusters);
        assertEquals(Set.of("127.0.0.1_" + webPort), listeners(dump));
        JsonNode served = new ObjectMapper().readTree(server.get("/debug/config_dump?proxyID=" + PROXY_ID).body());
        assertEquals(clusters, clusters(served), "what Envoy holds is what the server says it serves");
        assertEquals(listeners(dump), listeners(served));

        // The rejection counters of all four types exist, so "none rejected" covers them all.
        Map<String, Long> rejected = envoy.stats("update_rejected$");
        assertTrue(rejected.containsKey("cluster.outbound|" + webPort + "||" + WEB + ".update_rejected")
                && rejected.keySet().stream().anyMatch(k -> k.endsWith(".rds." + webPort + ".update_rejected")), rejected.toString());
    }

    @Test
    @Order(2)
    void httpRoundRobinsOverBothEndpoints() {
        List<String> answered = window(webPort, WEB, 6);
        assertEquals(Set.of("web-1", "web-2"), new TreeSet<>(answered), answered.toString());
    }

    @Test
    @Order(3)
    void trafficFollowsEndpointsThatMove() {
        server.writeConfig("web.yaml", webEntry(backends.port(0)));
        Await.until(WAIT, "web-2 to get no request out of 4", () -> window(webPort, WEB, 4).equals(List.of("web-1", "web-1", "web-1", "web-1")),
                () -> window(webPort, WEB, 4).toString());

        server.writeConfig("web.yaml", webEntry(backends.port(1)));
        Await.until(WAIT, "all traffic to move to web-2", () -> window(webPort, WEB, 4).equals(List.of("web-2", "web-2", "web-2", "web-2")),
                () -> window(webPort, WEB, 4).toString());
    }

    @Test
    @Order(4)
    void newServiceGetsTraffic() {
        server.writeConfig("api.yaml", service("api", "10.96.0.30", apiPort) + "---\n" + slice("api", "api-1", backends.port(2)));

        Await.until(WAIT, "the new service to answer through Envoy", () -> "api-1".equals(answer(apiPort, API)),
                () -> String.valueOf(answer(apiPort, API)));
        assertEquals(Set.of("outbound|" + webPort + "||" + WEB, "outbound|" + apiPort + "||" + API, "BlackHoleCluster", "PassthroughCluster"),
                clusters(envoy.configDump()));
    }

    @Test
    @Order(5)
    void changedClustersFinishWarming() {
        server.writeMeshConfig("{\"connectTimeout\": \"3s\", \"defaultConfig\": {\"concurrency\": 1}}");

        // Envoy holds a changed cluster back, warming, until its endpoints come again, which it does not ask for.
        Await.until(WAIT, "the clusters with the new connect timeout to be active, none left warming", () -> {
            JsonNode web = EnvoyProcess.activeCluster(envoy.configDump(), "outbound|" + webPort + "||" + WEB);
            return "3s".equals(web.path("connect_timeout").asText()) && envoy.stat("cluster_manager.warming_clusters") == 0;
        }, () -> envoy.stats("warming").toString());
        assertEquals("api-1", answer(apiPort, API));
    }

    @Test
    @Order(6)
    void removedServiceLeavesEnvoy() throws IOException {
        Files.delete(configDir.resolve("api.yaml"));

        String cluster = "outbound|" + apiPort + "||" + API;
        Await.until(WAIT, "the removed service's cluster and listener to leave Envoy", () -> {
            JsonNode dump = envoy.configDump();
            return !clusters(dump).contains(cluster) && !listeners(dump).contains("127.0.0.1_" + apiPort);
        }, () -> clusters(envoy.configDump()) + " " + EnvoyProcess.section(envoy.configDump(), "ListenersConfigDump"));
        assertEquals(List.of("web-2", "web-2"), window(webPort, WEB, 2), "the other service still routes");
    }

    @Test
    @Order(7)
    void restartedControlPlaneSendsNothingEnvoyAlreadyHas() throws Exception {
        JsonNode before = syncz().path("types");

        server = server.restart();

        Await.until(WAIT, "Envoy to reconnect and ACK every type", () -> {
            JsonNode types = syncz().path("types");
            return List.of("CDS", "EDS", "LDS", "RDS").stream().allMatch(t -> !types.path(t).path("nonce_acked").asText().isEmpty()
                    && types.path(t).path("nonce_acked").asText().equals(types.path(t).path("nonce_sent").asText()));
        }, () -> server.get("/debug/syncz").body());
        JsonNode after = syncz().path("types");
        for (String type : List.of("CDS", "EDS", "LDS", "RDS")) {
            // Versions are content hashes, so a new server finds Envoy's initial_resource_versions current.
            assertEquals(0, after.path(type).path("resources_sent").asInt(), type + " " + after.path(type));
            assertEquals(before.path(type).path("resource_versions").asInt(), after.path(type).path("resource_versions").asInt(), type);
        }
        assertEquals(List.of("web-2", "web-2"), window(webPort, WEB, 2));
    }

    /** Which backends answer {@code n} requests in a row. */
    private static List<String> window(int port, String host, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(HttpBackends.get("127.0.0.1", port, host).body());
        }
        return out;
    }

    /** The body of one answer, or null while nothing listens on the port yet. */
    private static String answer(int port, String host) {
        try {
            return HttpBackends.get("127.0.0.1", port, host).body();
        } catch (UncheckedIOException notListeningYet) {
            return null;
        }
    }

    /** The Envoy's entry in /debug/syncz; a missing node while it is not connected. */
    private JsonNode syncz() {
        try {
            for (JsonNode c : new ObjectMapper().readTree(server.get("/debug/syncz").body())) {
                if (c.path("proxy").asText().equals(PROXY_ID)) {
                    return c;
                }
            }
            return MissingNode.getInstance();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> clusters(JsonNode dump) {
        Set<String> out = new TreeSet<>();
        EnvoyProcess.section(dump, "ClustersConfigDump").path("dynamic_active_clusters").forEach(c -> out.add(c.path("cluster").path("name").asText()));
        return out;
    }

    /** Listeners in service; a removed one stays in the dump, draining, for the drain time. */
    private static Set<String> listeners(JsonNode dump) {
        Set<String> out = new TreeSet<>();
        EnvoyProcess.section(dump, "ListenersConfigDump").path("dynamic_listeners").forEach(l -> {
            if (l.has("active_state")) {
                out.add(l.path("name").asText());
            }
        });
        return out;
    }

    /** Web as a ServiceEntry: its endpoints share 127.0.0.1, each with its own port, which EndpointSlices cannot express. */
    private String webEntry(int... backendPorts) {
        StringBuilder sb = new StringBuilder("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: web, namespace: default}
                spec:
                  hosts: [%s]
                  ports:
                  - {number: %d, name: http, protocol: HTTP}
                  resolution: STATIC
                  endpoints:
                """.formatted(WEB, webPort));
        for (int port : backendPorts) {
            sb.append("  - {address: 127.0.0.1, ports: {http: ").append(port).append("}}\n");
        }
        return sb.toString();
    }

    private static String service(String name, String clusterIp, int port) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: %s, namespace: default}
                spec:
                  clusterIP: %s
                  ports:
                  - {name: http, port: %d}
                """.formatted(name, clusterIp, port);
    }

    private static String slice(String service, String name, int backendPort) {
        return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %2$s
                  namespace: default
                  labels: {kubernetes.io/service-name: %1$s}
                addressType: IPv4
                ports:
                - {name: http, port: %3$d}
                endpoints:
                - addresses: [127.0.0.1]
                  conditions: {ready: true}
                """.formatted(service, name, backendPort);
    }
}
