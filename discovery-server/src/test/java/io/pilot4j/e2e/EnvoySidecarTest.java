package io.pilot4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.Closeables;
import io.pilot4j.testing.EnvoyBinary;
import io.pilot4j.testing.EnvoyProcess;
import io.pilot4j.testing.FreePorts;
import io.pilot4j.testing.HttpBackends;
import io.pilot4j.testing.RunningServer;
import io.pilot4j.testing.TcpBackends;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Envoy sidecar, bootstrapped by {@code discovery bootstrap}, takes its config from pilot4j and routes
 * traffic to backends on loopback: HTTP by Host header on the service port, two TCP services sharing a port on
 * their loopback VIPs, an endpoint removed from the config dir, and unknown hosts under both outbound traffic
 * policies. One server and one Envoy serve all steps, in order; after each, Envoy must have rejected nothing.
 * The Envoy speaks state-of-the-world ADS ({@code --xdsApi grpc}); {@link EnvoyDeltaSidecarTest} covers delta.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnvoySidecarTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String WEB = "web.example.com";
    private static final String PROXY_ID = "sleep-1.default";

    @RegisterExtension
    final EnvoyProcess.LogOnFailure envoyLogs = new EnvoyProcess.LogOnFailure();

    private HttpBackends web;
    private TcpBackends db;
    private RunningServer server;
    private EnvoyProcess envoy;
    private int httpPort;
    private int tcpPort;

    @BeforeAll
    void start(@TempDir Path configDir, @TempDir Path meshDir, @TempDir Path envoyDir) throws Exception {
        EnvoyBinary.assumeAvailable();
        web = HttpBackends.start("web-1", "web-2");
        db = TcpBackends.start("db-a", "db-b");
        int[] ports = FreePorts.pick(2);
        httpPort = ports[0];
        tcpPort = ports[1];
        Path mesh = meshDir.resolve("mesh.json");
        Files.writeString(mesh, mesh("ALLOW_ANY"));
        server = RunningServer.start(configDir, mesh, true);
        server.writeConfig("web.yaml", webEntry(web.port(0), web.port(1)));
        server.writeConfig("db.yaml", dbService("db-a", "127.0.0.2", db.port(0)) + "---\n" + dbService("db-b", "127.0.0.3", db.port(1)));
        Await.until(WAIT, "web and both db services in /debug/registryz", () -> {
            String registry = server.get("/debug/registryz").body();
            return registry.contains(WEB) && registry.contains("db-a.default") && registry.contains("db-b.default");
        }, () -> server.get("/debug/registryz").body());
        // State of the world; EnvoyDeltaSidecarTest runs the default, delta.
        envoy = envoyLogs.watch(EnvoyProcess.bootstrap(envoyDir, "--xdsApi", "grpc", "--id", PROXY_ID, "--labels", "app=sleep",
                "--meshConfig", mesh.toString(), "--discoveryAddress", server.grpcTarget(), "--proxyLogLevel", "info"));
    }

    @AfterEach
    void envoyRejectedNothing() {
        envoy.assertNoRejectedUpdates();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(envoy, server, web, db);
    }

    @Test
    @Order(1)
    void configDumpHoldsWhatPilot4jServes() throws IOException {
        JsonNode dump = envoy.configDump();

        Set<String> clusters = names(EnvoyProcess.section(dump, "ClustersConfigDump").path("dynamic_active_clusters"), "cluster", "name");
        Set<String> listeners = names(EnvoyProcess.section(dump, "ListenersConfigDump").path("dynamic_listeners"), "name");
        Set<String> routes = names(EnvoyProcess.section(dump, "RoutesConfigDump").path("dynamic_route_configs"), "route_config", "name");
        assertEquals(Set.of("outbound|" + httpPort + "||" + WEB, "outbound|" + tcpPort + "||db-a.default.svc.cluster.local",
                "outbound|" + tcpPort + "||db-b.default.svc.cluster.local", "BlackHoleCluster", "PassthroughCluster"), clusters);
        assertEquals(Set.of("127.0.0.1_" + httpPort, "127.0.0.2_" + tcpPort, "127.0.0.3_" + tcpPort), listeners);
        assertEquals(Set.of(Integer.toString(httpPort)), routes);
        assertEquals(List.of(WEB + ":" + httpPort, "allow_any"), virtualHosts(dump));

        // What Envoy holds is what the server says it serves this proxy.
        JsonNode served = new ObjectMapper().readTree(server.get("/debug/config_dump?proxyID=" + PROXY_ID).body());
        assertEquals(clusters, names(EnvoyProcess.section(served, "ClustersConfigDump").path("dynamic_active_clusters"), "cluster", "name"));
        assertEquals(listeners, names(EnvoyProcess.section(served, "ListenersConfigDump").path("dynamic_listeners"), "name"));
        assertEquals(routes, names(EnvoyProcess.section(served, "RoutesConfigDump").path("dynamic_route_configs"), "route_config", "name"));
    }

    @Test
    @Order(2)
    void httpByHostHeaderRoundRobinsOverTheBackends() {
        List<String> answered = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            HttpBackends.Reply reply = HttpBackends.get("127.0.0.1", httpPort, WEB);
            assertEquals(200, reply.status(), reply.body());
            answered.add(reply.body());
        }

        assertEquals(Set.of("web-1", "web-2"), new TreeSet<>(answered), answered.toString());
        // One worker (concurrency 1 from the mesh config's defaultConfig), so the DestinationRule's round robin strictly
        // alternates.
        for (int i = 1; i < answered.size(); i++) {
            assertNotEquals(answered.get(i - 1), answered.get(i), "round robin should alternate: " + answered);
        }
        HttpBackends.Reply withPort = HttpBackends.get("127.0.0.1", httpPort, WEB + ":" + httpPort);
        assertTrue(Set.of("web-1", "web-2").contains(withPort.body()), "a Host with the port routes the same: " + withPort);
    }

    @Test
    @Order(3)
    void tcpServicesShareAPortOnTheirLoopbackVips() {
        for (int i = 0; i < 3; i++) {
            assertEquals("db-a", TcpBackends.who("127.0.0.2", tcpPort));
            assertEquals("db-b", TcpBackends.who("127.0.0.3", tcpPort));
        }
        assertEquals(3, envoy.stat("cluster.outbound|" + tcpPort + "||db-a.default.svc.cluster.local.upstream_cx_total"));
    }

    @Test
    @Order(4)
    void endpointRemovedFromTheConfigDirGetsNoMoreTraffic() {
        server.writeConfig("web.yaml", webEntry(web.port(0)));

        Await.until(WAIT, "web-2 to get no request out of 4", () -> window(4).equals(List.of("web-1", "web-1", "web-1", "web-1")),
                () -> window(4).toString());
        assertEquals(Set.of("web-1"), new TreeSet<>(window(10)));
    }

    @Test
    @Order(5)
    void unknownHostGoesToPassthroughUnderAllowAny() {
        String passthrough = "cluster.PassthroughCluster.upstream_rq_completed";
        long before = envoy.stat(passthrough);

        HttpBackends.Reply reply = HttpBackends.get("127.0.0.1", httpPort, "unknown.example.org");

        // allow_any hands the request to PassthroughCluster, which forwards to the original destination. Without
        // iptables (INTERCEPTION_MODE NONE) the connection was not redirected and has none, so Envoy answers 503.
        assertEquals(before + 1, envoy.stat(passthrough));
        assertEquals(503, reply.status(), reply.body());
        assertEquals("no healthy upstream", reply.body());
    }

    @Test
    @Order(6)
    void unknownHostIsBlockedUnderRegistryOnly() {
        server.writeMeshConfig(mesh("REGISTRY_ONLY"));
        Await.until(WAIT, "the route's catch-all to become block_all",
                () -> virtualHosts(envoy.configDump()).contains("block_all"), () -> virtualHosts(envoy.configDump()).toString());
        String passthrough = "cluster.PassthroughCluster.upstream_rq_completed";
        long before = envoy.stat(passthrough);

        HttpBackends.Reply reply = HttpBackends.get("127.0.0.1", httpPort, "unknown.example.org");

        assertEquals(502, reply.status(), reply.body());
        assertEquals(before, envoy.stat(passthrough), "block_all must not reach PassthroughCluster");
        assertEquals(List.of(WEB + ":" + httpPort, "block_all"), virtualHosts(envoy.configDump()));
        assertEquals("web-1", HttpBackends.get("127.0.0.1", httpPort, WEB).body(), "known hosts still route");
    }

    @Test
    @Order(7)
    void changedClustersFinishWarming() {
        server.writeMeshConfig("{\"outboundTrafficPolicy\": {\"mode\": \"REGISTRY_ONLY\"}, \"connectTimeout\": \"3s\", "
                + "\"defaultConfig\": {\"concurrency\": 1}}");

        // Envoy holds a changed cluster back, warming, until its endpoints come again; over state of the world it asks
        // for them with the names it already had, which reads as an ACK.
        String cluster = "outbound|" + httpPort + "||" + WEB;
        Await.until(WAIT, "the clusters with the new connect timeout to be active, none left warming", () ->
                        "3s".equals(EnvoyProcess.activeCluster(envoy.configDump(), cluster).path("connect_timeout").asText())
                                && envoy.stat("cluster_manager.warming_clusters") == 0,
                () -> envoy.stats("warming").toString());
        assertEquals("web-1", HttpBackends.get("127.0.0.1", httpPort, WEB).body(), "the re-warmed cluster routes");
    }

    /** Which backends answer {@code n} requests in a row. */
    private List<String> window(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(HttpBackends.get("127.0.0.1", httpPort, WEB).body());
        }
        return out;
    }

    private List<String> virtualHosts(JsonNode dump) {
        List<String> out = new ArrayList<>();
        for (JsonNode rc : EnvoyProcess.section(dump, "RoutesConfigDump").path("dynamic_route_configs")) {
            rc.path("route_config").path("virtual_hosts").forEach(vh -> out.add(vh.path("name").asText()));
        }
        return out;
    }

    private static Set<String> names(JsonNode entries, String... path) {
        Set<String> out = new TreeSet<>();
        for (JsonNode e : entries) {
            JsonNode n = e;
            for (String p : path) {
                n = n.path(p);
            }
            out.add(n.asText());
        }
        return out;
    }

    /** One worker thread, so round robin is observable request by request. */
    private static String mesh(String outboundPolicy) {
        return "{\"outboundTrafficPolicy\": {\"mode\": \"" + outboundPolicy + "\"}, \"defaultConfig\": {\"concurrency\": 1}}";
    }

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
                """.formatted(WEB, httpPort));
        for (int port : backendPorts) {
            sb.append("  - {address: 127.0.0.1, ports: {http: ").append(port).append("}}\n");
        }
        // ROUND_ROBIN, so that the test can tell the order (the default is Istio's LEAST_REQUEST, a random pick of two).
        sb.append("""
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: web, namespace: default}
                spec:
                  host: %s
                  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
                """.formatted(WEB));
        return sb.toString();
    }

    private String dbService(String name, String vip, int backendPort) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: %1$s, namespace: default}
                spec:
                  clusterIP: %2$s
                  ports:
                  - {name: tcp-db, port: %3$d}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %1$s-1
                  namespace: default
                  labels: {kubernetes.io/service-name: %1$s}
                addressType: IPv4
                ports:
                - {name: tcp-db, port: %4$d}
                endpoints:
                - addresses: [127.0.0.1]
                """.formatted(name, vip, tcpPort, backendPort);
    }
}
