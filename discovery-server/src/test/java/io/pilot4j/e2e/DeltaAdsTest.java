package io.pilot4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.DeltaAdsClient;
import io.pilot4j.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.pilot4j.testing.DeltaAdsClient.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A raw delta ADS stream that behaves like Envoy's DELTA_GRPC: wildcard CDS and LDS, explicit EDS and RDS for what
 * those reference, ACKs by nonce. Then what delta is for: a push carries only what changed, deletions come as
 * removed_resources, a NACK is recorded and its content not sent again, unsubscribed names are not pushed, and a
 * reconnecting client that says what it holds gets only what is stale. Then proxyless gRPC and explicit wildcard
 * subscriptions. The steps share one server and run in order.
 *
 * <p>To show that the server sent nothing between two points, a test sends a request and expects its answer as the
 * very next message: a connection handles requests and pushes one at a time, in order, so anything else queued
 * before would arrive first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeltaAdsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
    private static final String EDS = Resources.V3.ENDPOINT_TYPE_URL;
    private static final String LDS = Resources.V3.LISTENER_TYPE_URL;
    private static final String RDS = Resources.V3.ROUTE_TYPE_URL;
    private static final String NODE = "sidecar~10.1.0.9~productpage-v1.default~default.svc.cluster.local";
    private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";
    private static final String DB = "outbound|3306||db.default.svc.cluster.local";
    private static final String API = "outbound|443||api.example.com";
    private static final String MORE = "outbound|9080||more.example.com";

    private Path configDir;
    private RunningServer server;
    private DeltaAdsClient envoy;
    /** What the client holds per type, name to version, kept from every response as Envoy keeps it. */
    private final Map<String, Map<String, String>> held = new HashMap<>();

    @BeforeAll
    void start(@TempDir Path configDir, @TempDir Path meshDir) throws Exception {
        this.configDir = configDir;
        Path mesh = Files.writeString(meshDir.resolve("mesh.json"), "{}");
        server = RunningServer.start(configDir, mesh, true);
        server.writeConfig("reviews.yaml", reviews("10.1.0.1", "10.1.0.2"));
        server.writeConfig("db.yaml", DB_SERVICE);
        server.writeConfig("external.yaml", EXTERNAL);
        Await.until(WAIT, "the three services in /debug/registryz", () -> {
            String registry = server.get("/debug/registryz").body();
            return registry.contains("db.default.svc.cluster.local") && registry.contains("reviews.default.svc.cluster.local")
                    && registry.contains("api.example.com");
        });
        envoy = new DeltaAdsClient(server.grpcTarget(), NODE, Map.of());
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
    void legacyWildcardClustersThenExplicitEndpoints() {
        envoy.subscribe(CDS, List.of());
        DeltaDiscoveryResponse cds = expect(envoy, CDS);
        assertTrue(names(cds).containsAll(Set.of(REVIEWS, DB, API, "PassthroughCluster", "BlackHoleCluster")), names(cds).toString());
        assertEquals(List.of(), cds.getRemovedResourcesList());
        assertEquals(names(cds).size(), new TreeSet<>(DeltaAdsClient.versions(cds).values()).size(), "a version per resource");
        envoy.ack(cds);

        envoy.subscribe(EDS, List.of(REVIEWS, DB));
        DeltaDiscoveryResponse eds = expect(envoy, EDS);
        assertEquals(Set.of(REVIEWS, DB), names(eds));
        assertEquals(Set.of("10.1.0.1", "10.1.0.2"), addresses(eds, REVIEWS));
        envoy.ack(eds);
    }

    @Test
    @Order(2)
    void explicitWildcardListenersThenRoutes() {
        envoy.subscribe(LDS, List.of("*"));
        DeltaDiscoveryResponse lds = expect(envoy, LDS);
        assertTrue(names(lds).containsAll(Set.of("virtualOutbound", "0.0.0.0_9080", "10.96.0.50_3306")), names(lds).toString());
        envoy.ack(lds);

        envoy.subscribe(RDS, List.of("9080"));
        assertEquals(Set.of("9080"), names(expectAndAck(envoy, RDS)));

        JsonNode syncz = syncz("productpage-v1.default");
        assertEquals("delta", syncz.path("stream").asText());
        JsonNode types = syncz.path("types");
        assertTrue(types.path("CDS").path("wildcard").asBoolean() && types.path("LDS").path("wildcard").asBoolean(), types.toString());
        assertEquals("[\"" + DB + "\",\"" + REVIEWS + "\"]", types.path("EDS").path("names").toString());
        assertEquals(held.get(CDS).size(), types.path("CDS").path("resource_versions").asInt());
        assertEquals(lds.getNonce(), types.path("LDS").path("nonce_acked").asText());
        assertEquals(lds.getSystemVersionInfo(), types.path("LDS").path("version_acked").asText());
    }

    @Test
    @Order(3)
    void endpointChangeSendsOnlyThatAssignment() {
        server.writeConfig("reviews.yaml", reviews("10.1.0.1", "10.1.0.2", "10.1.0.3"));

        DeltaDiscoveryResponse eds = expectAndAck(envoy, EDS);
        assertEquals(Set.of(REVIEWS), names(eds), "db's endpoints did not change");
        assertEquals(Set.of("10.1.0.1", "10.1.0.2", "10.1.0.3"), addresses(eds, REVIEWS));
        subscribeAndExpectOnly(RDS, "9999");
    }

    @Test
    @Order(4)
    void newServiceSendsItsClusterAndRouteOnlyAndANackIsNotAnswered() {
        server.writeConfig("more.yaml", serviceEntry("more", "more.example.com", 9080, "192.0.2.20"));

        DeltaDiscoveryResponse cds = expectAndAck(envoy, CDS);
        assertEquals(Set.of(MORE), names(cds), "only the new cluster");
        // No EDS (the new cluster is not subscribed yet) and no LDS (the 9080 listener did not change): the route is next.
        DeltaDiscoveryResponse rds = expect(envoy, RDS);
        assertEquals(Set.of("9080"), names(rds));
        envoy.nack(rds, "test: route 9080 rejected");

        // Had the NACK been answered, that answer would come before the answer to this.
        subscribeAndExpectOnly(EDS, MORE);
        JsonNode nack = syncz("productpage-v1.default").path("types").path("RDS").path("last_nack");
        assertEquals("test: route 9080 rejected", nack.path("message").asText(), nack.toString());
        assertEquals(rds.getNonce(), nack.path("nonce").asText());
    }

    @Test
    @Order(5)
    void rejectedRouteIsNotSentAgainByALaterPush() {
        server.writeConfig("more2.yaml", serviceEntry("more2", "more2.example.com", 9081, "192.0.2.21"));

        assertEquals(Set.of("outbound|9081||more2.example.com"), names(expectAndAck(envoy, CDS)));
        assertEquals(Set.of("0.0.0.0_9081"), names(expectAndAck(envoy, LDS)));
        // Route 9080 did not change since it was rejected, so the push left it out; 9081 is what the listener needs.
        subscribeAndExpectOnly(RDS, "9081");
    }

    @Test
    @Order(6)
    void unsubscribedAssignmentIsNotPushed() {
        unsubscribe(EDS, REVIEWS);
        subscribeAndExpectOnly(RDS, "9998");
        assertFalse(syncz("productpage-v1.default").path("types").path("EDS").path("names").toString().contains(REVIEWS));

        // One file, one push: a new port (a cluster and a listener) and new endpoints for the unsubscribed cluster.
        server.writeConfig("reviews.yaml", reviews(List.of(9080, 9090), "10.1.0.4"));

        assertEquals(Set.of("outbound|9090||reviews.default.svc.cluster.local"), names(expectAndAck(envoy, CDS)));
        // Reviews' new endpoints would come here, between clusters and listeners, had they been pushed.
        assertEquals(Set.of("0.0.0.0_9090"), names(expectAndAck(envoy, LDS)));
        subscribeAndExpectOnly(RDS, "9090");
    }

    @Test
    @Order(7)
    void deletedServiceIsRemoved() throws IOException {
        Files.delete(configDir.resolve("db.yaml"));

        DeltaDiscoveryResponse cds = expectAndAck(envoy, CDS);
        assertEquals(List.of(DB), cds.getRemovedResourcesList());
        assertEquals(Set.of(), names(cds));
        DeltaDiscoveryResponse eds = expectAndAck(envoy, EDS);
        assertEquals(Set.of(), addresses(eds, DB), "db is still subscribed, and has no endpoints any more");
        DeltaDiscoveryResponse lds = expectAndAck(envoy, LDS);
        assertEquals(List.of("10.96.0.50_3306"), lds.getRemovedResourcesList());
        // Envoy drops the endpoints of a removed cluster on its own; no answer is due.
        unsubscribe(EDS, DB);
        subscribeAndExpectOnly(RDS, "9997");
    }

    @Test
    @Order(8)
    void reconnectGetsOnlyWhatIsStale() {
        envoy.close();
        Map<String, String> clusters = new TreeMap<>(held.get(CDS));
        Map<String, String> endpoints = new TreeMap<>(held.get(EDS));
        assertEquals(Set.of(MORE), endpoints.keySet());
        clusters.put(REVIEWS, "a-version-the-server-never-sent");
        clusters.put(DB, held.get(CDS).getOrDefault(DB, "the-version-before-db-was-deleted"));
        held.clear();

        envoy = new DeltaAdsClient(server.grpcTarget(), NODE, Map.of());
        envoy.send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(CDS).putAllInitialResourceVersions(clusters));
        DeltaDiscoveryResponse cds = expectAndAck(envoy, CDS);
        assertEquals(Set.of(REVIEWS), names(cds), "unchanged clusters are not sent again");
        assertEquals(List.of(DB), cds.getRemovedResourcesList(), "the client still holds a cluster that is gone");

        envoy.send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(EDS).addResourceNamesSubscribe(MORE).addResourceNamesSubscribe(REVIEWS)
                .putAllInitialResourceVersions(endpoints));
        DeltaDiscoveryResponse eds = expectAndAck(envoy, EDS);
        assertEquals(Set.of(REVIEWS), names(eds), "more's assignment is held at the current version; reviews' was not held");
        assertEquals(List.of(), eds.getRemovedResourcesList());
    }

    @Test
    @Order(9)
    void changedClustersBringTheirEndpointsAgain() {
        server.writeMeshConfig("{\"connectTimeout\": \"3s\"}");

        DeltaDiscoveryResponse cds = expectAndAck(envoy, CDS);
        assertTrue(names(cds).containsAll(Set.of(REVIEWS, MORE, API)), "every cluster has the new timeout: " + names(cds));
        envoy.subscribe(RDS, List.of("9996"));

        // Envoy warms a changed cluster until its endpoints come, and asks for none: they follow unasked, unchanged,
        // before anything asked for after the clusters arrived.
        DeltaDiscoveryResponse eds = expectAndAck(envoy, EDS);
        assertEquals(Set.of(REVIEWS, MORE), names(eds));
        assertEquals(Set.of("9996"), names(expectAndAck(envoy, RDS)));
    }

    @Test
    @Order(10)
    void proxylessGrpcNamesWhatItWantsAndLearnsWhatDoesNotExist() {
        try (DeltaAdsClient grpc = new DeltaAdsClient(server.grpcTarget(), "sidecar~10.1.0.10~grpc-client.default~default.svc.cluster.local",
                Map.of("GENERATOR", "grpc", "NAMESPACE", "default"))) {
            grpc.subscribe(LDS, List.of());
            DeltaDiscoveryResponse none = expectAndAck(grpc, LDS);
            assertEquals(List.of(), none.getResourcesList(), "an empty subscription is no wildcard for proxyless gRPC");

            String reviews = "reviews.default.svc.cluster.local:9080";
            String missing = "nosuch.default.svc.cluster.local:9080";
            grpc.subscribe(LDS, List.of(reviews, missing));
            DeltaDiscoveryResponse lds = expectAndAck(grpc, LDS);
            assertEquals(Set.of(reviews), names(lds));
            assertEquals(List.of(missing), lds.getRemovedResourcesList(), "a subscribed name that does not exist is said so at once");

            grpc.subscribe(CDS, List.of(REVIEWS));
            assertEquals(Set.of(REVIEWS), names(expectAndAck(grpc, CDS)));
            assertFalse(syncz("grpc-client.default").path("types").path("LDS").path("wildcard").asBoolean());
        }
    }

    @Test
    @Order(11)
    void explicitWildcardCanBeDroppedForNames() {
        try (DeltaAdsClient client = new DeltaAdsClient(server.grpcTarget(), "sidecar~10.1.0.11~explicit.default~default.svc.cluster.local",
                Map.of())) {
            client.subscribe(CDS, List.of("*"));
            assertTrue(names(expectAndAck(client, CDS)).contains(REVIEWS));

            client.unsubscribe(CDS, List.of("*"));
            client.subscribe(CDS, List.of(REVIEWS));
            DeltaDiscoveryResponse cds = client.next(WAIT);
            assertEquals(CDS, cds.getTypeUrl());
            assertEquals(Set.of(REVIEWS), names(cds), "unsubscribing * is not answered; a name subscribed again is sent again");
            assertEquals(List.of(), cds.getRemovedResourcesList());
            JsonNode types = syncz("explicit.default").path("types");
            assertFalse(types.path("CDS").path("wildcard").asBoolean(), types.toString());
            assertEquals(1, types.path("CDS").path("resource_versions").asInt());
        }
    }

    /** Subscribes to one more name and expects its answer, with that name only, as the very next message. */
    private void subscribeAndExpectOnly(String typeUrl, String name) {
        envoy.subscribe(typeUrl, List.of(name));
        DeltaDiscoveryResponse next = envoy.next(WAIT);
        assertEquals(typeUrl, next.getTypeUrl(), "expected only the answer to the subscription, got " + next);
        assertEquals(Set.of(name), names(next));
        apply(next);
        envoy.ack(next);
    }

    /** Unsubscribes, and drops what the client held under that name, as Envoy does. */
    private void unsubscribe(String typeUrl, String name) {
        envoy.unsubscribe(typeUrl, List.of(name));
        held.get(typeUrl).remove(name);
    }

    private DeltaDiscoveryResponse expectAndAck(DeltaAdsClient client, String typeUrl) {
        DeltaDiscoveryResponse r = expect(client, typeUrl);
        client.ack(r);
        return r;
    }

    private DeltaDiscoveryResponse expect(DeltaAdsClient client, String typeUrl) {
        DeltaDiscoveryResponse r = client.next(WAIT);
        assertEquals(typeUrl, r.getTypeUrl(), () -> "unexpected response " + r);
        assertFalse(r.getNonce().isEmpty() || r.getSystemVersionInfo().isEmpty(), "responses carry a nonce and a version");
        for (Resource resource : r.getResourcesList()) {
            assertFalse(resource.getVersion().isEmpty(), resource.getName());
            assertEquals(typeUrl, resource.getResource().getTypeUrl());
        }
        if (client == envoy) {
            apply(r);
        }
        return r;
    }

    private void apply(DeltaDiscoveryResponse r) {
        Map<String, String> versions = held.computeIfAbsent(r.getTypeUrl(), t -> new TreeMap<>());
        versions.putAll(DeltaAdsClient.versions(r));
        r.getRemovedResourcesList().forEach(versions::remove);
    }

    private JsonNode syncz(String proxy) {
        try {
            for (JsonNode c : new ObjectMapper().readTree(server.get("/debug/syncz").body())) {
                if (c.path("proxy").asText().equals(proxy)) {
                    return c;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError(proxy + " not in /debug/syncz");
    }

    private static Set<String> addresses(DeltaDiscoveryResponse eds, String cluster) {
        for (Resource r : eds.getResourcesList()) {
            if (r.getName().equals(cluster)) {
                try {
                    Set<String> out = new TreeSet<>();
                    r.getResource().unpack(ClusterLoadAssignment.class).getEndpointsList().forEach(l -> l.getLbEndpointsList().forEach(e ->
                            out.add(e.getEndpoint().getAddress().getSocketAddress().getAddress())));
                    return out;
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
            }
        }
        throw new AssertionError(cluster + " not in " + names(eds));
    }

    private static String reviews(String... ips) {
        return reviews(List.of(9080), ips);
    }

    private static String reviews(List<Integer> ports, String... ips) {
        StringBuilder sb = new StringBuilder("""
                apiVersion: v1
                kind: Service
                metadata: {name: reviews, namespace: default}
                spec:
                  clusterIP: 10.96.0.10
                  ports:
                """);
        ports.forEach(p -> sb.append("  - {name: http-").append(p).append(", port: ").append(p).append("}\n"));
        sb.append("""
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: reviews-abc
                  namespace: default
                  labels: {kubernetes.io/service-name: reviews}
                addressType: IPv4
                ports:
                """);
        ports.forEach(p -> sb.append("- {name: http-").append(p).append(", port: ").append(p).append("}\n"));
        sb.append("endpoints:\n");
        for (String ip : ips) {
            sb.append("- addresses: [").append(ip).append("]\n  conditions: {ready: true}\n");
        }
        return sb.toString();
    }

    private static String serviceEntry(String name, String host, int port, String address) {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: %s, namespace: default}
                spec:
                  hosts: [%s]
                  ports:
                  - {number: %d, name: http, protocol: HTTP}
                  resolution: STATIC
                  endpoints:
                  - address: %s
                """.formatted(name, host, port, address);
    }

    private static final String DB_SERVICE = """
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
}
