package io.pilot4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Status;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.pilot4j.testing.AdsClient;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

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
 * A raw ADS stream that behaves like Envoy: CDS, then EDS for the clusters it got; LDS, then RDS for the
 * route names its listeners reference; ACK everything. Then it rejects a listener update and checks the
 * server never sends that config again. The steps share one stream and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnvoyLikeAdsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
    private static final String EDS = Resources.V3.ENDPOINT_TYPE_URL;
    private static final String LDS = Resources.V3.LISTENER_TYPE_URL;
    private static final String RDS = Resources.V3.ROUTE_TYPE_URL;
    private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";

    private RunningServer server;
    private AdsClient envoy;
    private final List<Cluster> clusters = new ArrayList<>();
    private final List<Listener> listeners = new ArrayList<>();
    private final Set<String> edsNames = new TreeSet<>();
    private final Set<String> rdsNames = new TreeSet<>();
    private DiscoveryResponse lastLds;
    private DiscoveryResponse lastRds;

    @BeforeAll
    void start(@TempDir Path configDir) throws Exception {
        server = RunningServer.start(configDir);
        server.writeConfig("reviews.yaml", REVIEWS_SERVICE + "---\n" + reviewsSlice("10.1.0.1", "10.1.0.2"));
        server.writeConfig("db.yaml", DB);
        server.writeConfig("external.yaml", EXTERNAL);
        Await.until(WAIT, "the three services in /debug/registryz",
                () -> server.get("/debug/registryz").body().contains("db.default.svc.cluster.local")
                        && server.get("/debug/registryz").body().contains("reviews.default.svc.cluster.local")
                        && server.get("/debug/registryz").body().contains("api.example.com"));
        envoy = new AdsClient(server.grpcTarget(), "sidecar~10.1.0.9~productpage-v1-abc.default~default.svc.cluster.local", Map.of());
    }

    @AfterAll
    void stop() {
        if (envoy != null) {
            envoy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void clustersThenEndpoints() throws Exception {
        envoy.send(CDS, List.of(), "", "");
        DiscoveryResponse cds = expect(CDS);
        for (Any a : cds.getResourcesList()) {
            Cluster c = a.unpack(Cluster.class);
            clusters.add(c);
            if (c.getType() == Cluster.DiscoveryType.EDS) {
                edsNames.add(c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName() : c.getEdsClusterConfig().getServiceName());
            }
        }
        Set<String> names = names(clusters);
        assertTrue(names.containsAll(Set.of(REVIEWS, "outbound|3306||db.default.svc.cluster.local",
                "outbound|443||api.example.com", "PassthroughCluster", "BlackHoleCluster")), "clusters: " + names);
        envoy.ack(cds, List.of());

        assertTrue(edsNames.contains(REVIEWS), "EDS names: " + edsNames);
        envoy.send(EDS, edsNames, "", "");
        DiscoveryResponse eds = expect(EDS);
        Set<String> answered = new TreeSet<>();
        for (Any a : eds.getResourcesList()) {
            ClusterLoadAssignment cla = a.unpack(ClusterLoadAssignment.class);
            answered.add(cla.getClusterName());
            if (cla.getClusterName().equals(REVIEWS)) {
                assertEquals(Set.of("10.1.0.1", "10.1.0.2"), addresses(cla));
            }
        }
        assertEquals(edsNames, answered, "every EDS name a cluster references must be answered");
        envoy.ack(eds, edsNames);
    }

    @Test
    @Order(2)
    void listenersThenRoutes() throws Exception {
        envoy.send(LDS, List.of(), "", "");
        lastLds = expect(LDS);
        for (Any a : lastLds.getResourcesList()) {
            Listener l = a.unpack(Listener.class);
            listeners.add(l);
            for (FilterChain fc : l.getFilterChainsList()) {
                for (Filter f : fc.getFiltersList()) {
                    HttpConnectionManager hcm = f.getTypedConfig().is(HttpConnectionManager.class)
                            ? f.getTypedConfig().unpack(HttpConnectionManager.class) : null;
                    if (hcm != null && hcm.hasRds()) { // virtualInbound's routes are inline
                        rdsNames.add(hcm.getRds().getRouteConfigName());
                    }
                }
            }
        }
        assertTrue(names(listeners).containsAll(Set.of("virtualOutbound", "0.0.0.0_9080", "10.96.0.50_3306")), "listeners: " + names(listeners));
        envoy.ack(lastLds, List.of());

        assertTrue(rdsNames.contains("9080"), "RDS names: " + rdsNames);
        envoy.send(RDS, rdsNames, "", "");
        lastRds = expect(RDS);
        Set<String> answered = new TreeSet<>();
        for (Any a : lastRds.getResourcesList()) {
            answered.add(a.unpack(RouteConfiguration.class).getName());
        }
        assertEquals(rdsNames, answered, "every RDS name a listener references must be answered");
        envoy.ack(lastRds, rdsNames);
    }

    @Test
    @Order(3)
    void everyReferencedClusterExists() throws Exception {
        Set<String> clusterNames = names(clusters);
        for (Any a : lastRds.getResourcesList()) {
            for (VirtualHost vh : a.unpack(RouteConfiguration.class).getVirtualHostsList()) {
                for (Route r : vh.getRoutesList()) {
                    if (r.hasRoute()) {
                        assertTrue(clusterNames.contains(r.getRoute().getCluster()), "route " + vh.getName() + " -> " + r.getRoute().getCluster());
                    }
                }
            }
        }
        for (Listener l : listeners) {
            for (FilterChain fc : l.getFilterChainsList()) {
                for (Filter f : fc.getFiltersList()) {
                    if (f.getTypedConfig().is(TcpProxy.class)) {
                        String cluster = f.getTypedConfig().unpack(TcpProxy.class).getCluster();
                        assertTrue(clusterNames.contains(cluster), "listener " + l.getName() + " -> " + cluster);
                    }
                }
            }
        }
    }

    @Test
    @Order(4)
    void nackIsRecordedAndNotAnswered() throws Exception {
        envoy.send(DiscoveryRequest.newBuilder().setTypeUrl(LDS).setVersionInfo(lastLds.getVersionInfo())
                .setResponseNonce(lastLds.getNonce())
                .setErrorDetail(Status.newBuilder().setCode(3).setMessage("test: listener 0.0.0.0_9080 rejected")));
        // The server handles one stream's requests in order, so if the NACK had been answered, that answer
        // would arrive before the answer to this subscription change.
        subscribeMoreRoutes("9998");
        JsonNode lds = syncz().path("types").path("LDS");
        assertEquals("test: listener 0.0.0.0_9080 rejected", lds.path("last_nack").path("message").asText(), lds.toString());
        assertEquals(lastLds.getNonce(), lds.path("last_nack").path("nonce").asText());
    }

    @Test
    @Order(5)
    void pushAfterNackSkipsTheUnchangedListeners() throws Exception {
        // A new service on an existing HTTP port changes clusters and routes, not listeners.
        server.writeConfig("more.yaml", MORE);
        DiscoveryResponse cds = expect(CDS);
        String added = "outbound|9080||more.example.com";
        assertTrue(names(unpack(cds, Cluster.class)).contains(added));
        envoy.ack(cds, List.of());
        // Endpoints follow every cluster push, changed or not: Envoy warms the clusters it was sent until they come.
        DiscoveryResponse rewarm = expect(EDS);
        assertEquals(edsNames, names(unpack(rewarm, ClusterLoadAssignment.class)));
        envoy.ack(rewarm, edsNames);
        DiscoveryResponse rds = expect(RDS);
        lastRds = rds;
        envoy.ack(rds, rdsNames);
        edsNames.add(added);
        envoy.send(EDS, edsNames, "", lastEdsNonce());
        DiscoveryResponse eds = expect(EDS);
        assertEquals(edsNames, names(unpack(eds, ClusterLoadAssignment.class)));
        envoy.ack(eds, edsNames);
        subscribeMoreRoutes("9997");
    }

    @Test
    @Order(6)
    void endpointChangePushesOnlyEndpoints() throws Exception {
        server.writeConfig("reviews.yaml", REVIEWS_SERVICE + "---\n" + reviewsSlice("10.1.0.1", "10.1.0.2", "10.1.0.3"));
        DiscoveryResponse eds = expect(EDS);
        for (ClusterLoadAssignment cla : unpack(eds, ClusterLoadAssignment.class)) {
            if (cla.getClusterName().equals(REVIEWS)) {
                assertEquals(Set.of("10.1.0.1", "10.1.0.2", "10.1.0.3"), addresses(cla));
            }
        }
        envoy.ack(eds, edsNames);
        subscribeMoreRoutes("9996");
    }

    @Test
    @Order(7)
    void configDumpShowsWhatTheProxyIsServed() throws Exception {
        var response = server.get("/debug/config_dump?proxyID=productpage-v1-abc.default");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode dump = new ObjectMapper().readTree(response.body());
        List<String> types = new ArrayList<>();
        dump.path("configs").forEach(c -> types.add(c.path("@type").asText()));
        assertEquals(List.of("type.googleapis.com/envoy.admin.v3.ClustersConfigDump", "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
                "type.googleapis.com/envoy.admin.v3.RoutesConfigDump", "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump"), types);
        assertTrue(response.body().contains(REVIEWS) && response.body().contains("virtualOutbound") && response.body().contains("10.1.0.3"),
                "clusters, listeners and the latest endpoints should all be in the dump");
    }

    /** Adds a route name and expects the RDS answer as the very next message: proof nothing else was queued. */
    private void subscribeMoreRoutes(String name) throws InvalidProtocolBufferException {
        rdsNames.add(name);
        envoy.send(RDS, rdsNames, lastRds.getVersionInfo(), lastRds.getNonce());
        DiscoveryResponse next = envoy.next(WAIT);
        assertEquals(RDS, next.getTypeUrl(), "expected only the RDS answer, got " + next.getTypeUrl());
        assertEquals(rdsNames, names(unpack(next, RouteConfiguration.class)));
        lastRds = next;
        envoy.ack(next, rdsNames);
    }

    private String lastEdsNonce() {
        return syncz().path("types").path("EDS").path("nonce_sent").asText();
    }

    private JsonNode syncz() {
        try {
            JsonNode all = new ObjectMapper().readTree(server.get("/debug/syncz").body());
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private DiscoveryResponse expect(String typeUrl) {
        DiscoveryResponse r = envoy.next(WAIT);
        assertEquals(typeUrl, r.getTypeUrl(), "unexpected response type");
        assertTrue(!r.getNonce().isEmpty() && !r.getVersionInfo().isEmpty(), "responses carry a nonce and a version");
        return r;
    }

    private static <T extends com.google.protobuf.Message> List<T> unpack(DiscoveryResponse r, Class<T> type) throws InvalidProtocolBufferException {
        List<T> out = new ArrayList<>();
        for (Any a : r.getResourcesList()) {
            out.add(a.unpack(type));
        }
        return out;
    }

    private static Set<String> names(List<? extends com.google.protobuf.Message> resources) {
        Set<String> out = new TreeSet<>();
        for (var m : resources) {
            if (m instanceof Cluster c) {
                out.add(c.getName());
            } else if (m instanceof Listener l) {
                out.add(l.getName());
            } else if (m instanceof ClusterLoadAssignment cla) {
                out.add(cla.getClusterName());
            } else if (m instanceof RouteConfiguration rc) {
                out.add(rc.getName());
            }
        }
        return out;
    }

    private static Set<String> addresses(ClusterLoadAssignment cla) {
        Set<String> out = new TreeSet<>();
        cla.getEndpointsList().forEach(l -> l.getLbEndpointsList().forEach(e ->
                out.add(e.getEndpoint().getAddress().getSocketAddress().getAddress())));
        return out;
    }

    private static final String REVIEWS_SERVICE = """
            apiVersion: v1
            kind: Service
            metadata: {name: reviews, namespace: default}
            spec:
              clusterIP: 10.96.0.10
              ports:
              - {name: http, port: 9080, targetPort: 9080}
            """;

    private static String reviewsSlice(String... ips) {
        StringBuilder sb = new StringBuilder("""
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: reviews-abc
                  namespace: default
                  labels: {kubernetes.io/service-name: reviews}
                addressType: IPv4
                ports:
                - {name: http, port: 9080, protocol: TCP}
                endpoints:
                """);
        for (String ip : ips) {
            sb.append("- addresses: [").append(ip).append("]\n  conditions: {ready: true}\n  zone: zone-a\n");
        }
        return sb.toString();
    }

    private static final String DB = """
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: default}
            spec:
              clusterIP: 10.96.0.50
              ports:
              - {name: tcp-mysql, port: 3306}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: db-1
              namespace: default
              labels: {kubernetes.io/service-name: db}
            addressType: IPv4
            ports:
            - {name: tcp-mysql, port: 3306}
            endpoints:
            - addresses: [10.1.1.1]
            """;

    private static final String EXTERNAL = """
            apiVersion: networking.istio.io/v1beta1
            kind: ServiceEntry
            metadata: {name: api, namespace: default}
            spec:
              hosts: [api.example.com]
              ports:
              - {number: 443, name: tls, protocol: TLS}
              resolution: STATIC
              endpoints:
              - address: 192.0.2.10
            """;

    private static final String MORE = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: more, namespace: default}
            spec:
              hosts: [more.example.com]
              ports:
              - {number: 9080, name: http, protocol: HTTP}
              resolution: STATIC
              endpoints:
              - address: 192.0.2.20
            """;
}
