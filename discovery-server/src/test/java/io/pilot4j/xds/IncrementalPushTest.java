package io.pilot4j.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Kind;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.model.TriggerReason;
import io.pilot4j.model.networking.ConfigMeta;
import io.pilot4j.model.networking.Gateway;
import io.pilot4j.model.networking.Sidecar;
import io.pilot4j.model.networking.TrafficRules;
import io.pilot4j.monitoring.PilotMetrics;
import io.pilot4j.push.PushTuning;
import io.pilot4j.testing.AdsClient;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.FakeClock;
import io.pilot4j.testing.MemoryRegistry;
import io.pilot4j.testing.XdsTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A push sends what changed to whom it concerns: an endpoint change sends endpoints only, only the changed
 * assignments, only to proxies watching them; a change a proxy cannot see pushes nothing to it; a burst of changes is
 * one push. Raw state-of-the-world streams that behave like Envoy (CDS, EDS for the clusters, LDS, RDS; every response
 * ACKed).
 *
 * <p>To show that nothing else was sent, a test changes a subscription and expects the answer as the very next message:
 * a connection handles requests and pushes one at a time, in order, so anything queued before would arrive first.
 */
class IncrementalPushTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
    private static final String EDS = Resources.V3.ENDPOINT_TYPE_URL;
    private static final String LDS = Resources.V3.LISTENER_TYPE_URL;
    private static final String RDS = Resources.V3.ROUTE_TYPE_URL;
    private static final String REVIEWS_HOST = "reviews.default.svc.cluster.local";
    private static final String REVIEWS = "outbound|9080||" + REVIEWS_HOST;
    private static final String RATINGS_HOST = "ratings.default.svc.cluster.local";
    private static final String RATINGS = "outbound|9080||" + RATINGS_HOST;
    private static final String PRIVATE_HOST = "private.default.svc.cluster.local";
    private static final String PRIVATE = "outbound|9090||" + PRIVATE_HOST;

    private final MemoryRegistry registry = new MemoryRegistry()
            .put(MemoryRegistry.http("reviews", "default", 9080, "10.96.0.1", "*"), MemoryRegistry.endpoints("http-9080", 9080, "10.1.0.1"))
            .put(MemoryRegistry.http("ratings", "default", 9080, "10.96.0.2", "*"), MemoryRegistry.endpoints("http-9080", 9080, "10.1.1.1"))
            .put(MemoryRegistry.http("private", "default", 9090, "10.96.0.3", "."), MemoryRegistry.endpoints("http-9090", 9090, "10.1.2.1"));
    private XdsTestServer server;
    private final List<Envoy> envoys = new ArrayList<>();

    @AfterEach
    void stop() {
        envoys.forEach(e -> e.client.close());
        if (server != null) {
            server.close();
        }
    }

    @Test
    void endpointChangeSendsOnlyTheChangedAssignments() throws Exception {
        server = XdsTestServer.start(registry, XdsTestServer.fast());
        Envoy envoy = envoy("default");
        DiscoveryResponse before = envoy.lastEds;

        changeEndpoints(REVIEWS_HOST, "10.1.0.1", "10.1.0.9");

        DiscoveryResponse eds = envoy.expect(EDS);
        assertEquals(Set.of(REVIEWS), names(eds), "ratings' and private's assignments did not change and are not sent");
        assertEquals(List.of("10.1.0.1", "10.1.0.9"), addresses(eds, REVIEWS));
        assertNotEquals(before.getVersionInfo(), eds.getVersionInfo());
        envoy.ackEds(eds);
        envoy.expectOnlyTheAnswerTo("9999");
    }

    @Test
    void aChangeAProxyCannotSeeIsNotPushedToIt() throws Exception {
        server = XdsTestServer.start(registry, XdsTestServer.fast());
        Envoy inside = envoy("default");
        Envoy outside = envoy("other");
        double triggers = server.total(PilotMetrics.PUSH_TRIGGERS);

        // A second port on a service exported to its own namespace only: clusters, endpoints, listeners, routes change there.
        registry.put(new Service(PRIVATE_HOST, "default", List.of(new ServicePort("http-9090", 9090, Protocol.HTTP),
                        new ServicePort("http-9091", 9091, Protocol.HTTP)), Map.of(), List.of("10.96.0.3"), Resolution.CLIENT_SIDE_LB, false,
                        Set.of(".")),
                MemoryRegistry.endpoints("http-9090", 9090, "10.1.2.1"));
        server.discovery().configUpdate(PushRequest.full(TriggerReason.SERVICE, Set.of(new ConfigKey(Kind.SERVICE, "default", "private")),
                Instant.now()));

        inside.ackNext(CDS);
        inside.ackNext(EDS);
        inside.ackNext(LDS);
        outside.expectOnlyTheAnswerTo("9998");
        assertEquals(triggers + 1, server.total(PilotMetrics.PUSH_TRIGGERS), "one proxy pushed: the one that can see the service");
    }

    @Test
    void aChangeOutsideAProxysSidecarIsNotPushedToIt() throws Exception {
        // Proxies of namespace "other" may reach their own namespace and ratings only.
        registry.rules(TrafficRules.of(List.of(), List.of(), List.of(new Sidecar(new ConfigMeta("other", "default", null), Map.of(),
                List.of(new Sidecar.EgressListener(List.of("./*", "default/" + RATINGS_HOST))), "")), List.of()));
        server = XdsTestServer.start(registry, XdsTestServer.fast());
        Envoy inside = envoy("default");
        Envoy scoped = new Envoy(new AdsClient(server.target(), "sidecar~10.9.0.9~app-9.other~other.svc.cluster.local", Map.of()));
        envoys.add(scoped);
        scoped.warm(List.of(RATINGS));
        double triggers = server.total(PilotMetrics.PUSH_TRIGGERS);

        registry.put(new Service(REVIEWS_HOST, "default", List.of(new ServicePort("http-9080", 9080, Protocol.HTTP),
                        new ServicePort("http-9081", 9081, Protocol.HTTP)), Map.of(), List.of("10.96.0.1"), Resolution.CLIENT_SIDE_LB, false,
                        Set.of("*")),
                MemoryRegistry.endpoints("http-9080", 9080, "10.1.0.1"));
        server.discovery().configUpdate(PushRequest.full(TriggerReason.SERVICE, Set.of(new ConfigKey(Kind.SERVICE, "default", "reviews")),
                Instant.now()));

        inside.ackNext(CDS);
        assertEquals(triggers + 1, server.total(PilotMetrics.PUSH_TRIGGERS), "one proxy pushed: the one whose Sidecar admits reviews");
        scoped.expectOnlyTheAnswerTo("9995");
    }

    @Test
    void aGatewayChangeIsPushedToRoutersOnly() throws Exception {
        server = XdsTestServer.start(registry, XdsTestServer.fast());
        Envoy sidecar = envoy("default");
        Envoy router = router();
        double triggers = server.total(PilotMetrics.PUSH_TRIGGERS);

        changeRules(TrafficRules.of(List.of(), List.of(), List.of(), List.of(new Gateway(new ConfigMeta("istio-system", "ingress", null),
                Map.of("istio", "ingressgateway"), List.of(new Gateway.Server("http", 8080, "http", "HTTP", 0, List.of("*/*"), "",
                Optional.empty()))))), Kind.GATEWAY);

        Await.until(WAIT, "the push to be queued", () -> server.total(PilotMetrics.PUSH_TRIGGERS) > triggers);
        assertEquals(triggers + 1, server.total(PilotMetrics.PUSH_TRIGGERS), "one proxy pushed: the router");
        sidecar.expectOnlyTheAnswerTo("9995");
    }

    @Test
    void aSidecarChangeIsNotPushedToRouters() throws Exception {
        server = XdsTestServer.start(registry, XdsTestServer.fast());
        Envoy sidecar = envoy("default");
        Envoy router = router();
        double triggers = server.total(PilotMetrics.PUSH_TRIGGERS);

        // The root namespace's Sidecar (only istio-system's services) scopes every sidecar; never the router, which is there too.
        changeRules(TrafficRules.of(List.of(), List.of(), List.of(new Sidecar(new ConfigMeta("istio-system", "default", null), Map.of(),
                List.of(new Sidecar.EgressListener(List.of("istio-system/*"))), "")), List.of()), Kind.SIDECAR);

        sidecar.ackNext(CDS);
        assertEquals(triggers + 1, server.total(PilotMetrics.PUSH_TRIGGERS), "one proxy pushed: the sidecar");
        router.expectOnlyTheAnswerTo("9995");
    }

    @Test
    void aBurstOfChangesIsOnePush() throws Exception {
        // On virtual time: the three changes come 40 ms apart, each within the 100 ms quiet period of the last.
        FakeClock time = new FakeClock();
        server = XdsTestServer.start(registry, new PushTuning(Duration.ofMillis(100), Duration.ofSeconds(10), 100, 10_000), time);
        Envoy envoy = envoy("default");
        long pushes = server.discovery().pushCount();

        changeEndpoints(REVIEWS_HOST, "10.1.0.1", "10.1.0.2");
        time.forwardTime(Duration.ofMillis(40));
        changeEndpoints("ratings.default.svc.cluster.local", "10.1.1.1", "10.1.1.2");
        time.forwardTime(Duration.ofMillis(40));
        changeEndpoints(REVIEWS_HOST, "10.1.0.1", "10.1.0.2", "10.1.0.3");
        time.forwardTime(Duration.ofMillis(99));
        assertEquals(pushes, server.discovery().pushCount(), "99 ms after the last change the registries are not yet quiet");
        time.forwardTime(Duration.ofMillis(1));

        DiscoveryResponse eds = envoy.expect(EDS);
        assertEquals(Set.of(REVIEWS, RATINGS), names(eds), "one response with both services' latest assignments");
        assertEquals(List.of("10.1.0.1", "10.1.0.2", "10.1.0.3"), addresses(eds, REVIEWS));
        envoy.ackEds(eds);
        envoy.expectOnlyTheAnswerTo("9997");
        assertEquals(pushes + 1, server.discovery().pushCount());
    }

    @Test
    void anEndpointPushThatRunsLateLeavesNoChangeBehind() throws Exception {
        server = XdsTestServer.start(registry, XdsTestServer.fast());
        Envoy envoy = envoy("default");
        Connection<?> connection = server.discovery().connection("app-0.default").orElseThrow();
        double triggers = server.total(PilotMetrics.PUSH_TRIGGERS);
        // The connection is busy (a long request, a slow generation) while two endpoint pushes reach it one by one,
        // so the first one runs when the second's snapshot is already current.
        CountDownLatch busy = new CountDownLatch(1);
        connection.execute(() -> {
            try {
                busy.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        changeEndpoints(REVIEWS_HOST, "10.1.0.1", "10.1.0.9");
        Await.until(WAIT, "the reviews push handed to the connection", () -> server.total(PilotMetrics.PUSH_TRIGGERS) == triggers + 1
                && server.discovery().queuedPushes() == 0);
        changeEndpoints("ratings.default.svc.cluster.local", "10.1.1.9");
        Await.until(WAIT, "the ratings push handed to the connection", () -> server.total(PilotMetrics.PUSH_TRIGGERS) == triggers + 2
                && server.discovery().queuedPushes() == 0);
        busy.countDown();

        DiscoveryResponse first = envoy.expect(EDS);
        assertEquals(Set.of(REVIEWS), names(first));
        assertEquals(List.of("10.1.0.1", "10.1.0.9"), addresses(first, REVIEWS));
        envoy.ackEds(first);
        DiscoveryResponse second = envoy.expect(EDS);
        assertEquals(Set.of(RATINGS), names(second), "the second change is sent too, though the first push ran on its snapshot");
        assertEquals(List.of("10.1.1.9"), addresses(second, RATINGS));
        assertNotEquals(first.getVersionInfo(), second.getVersionInfo());
        envoy.ackEds(second);
        envoy.expectOnlyTheAnswerTo("9996");
    }

    @Test
    void anEndpointAtAProxysOwnAddressPushesItsInboundToItAndOnlyEndpointsToOthers() throws Exception {
        server = XdsTestServer.start(registry, XdsTestServer.fast());
        Envoy ratingsPod = envoy("default");
        Envoy other = envoy("default");

        // ratings' new endpoint is the first proxy's own pod (10.9.0.1): its workload now serves ratings on 9080.
        changeEndpoints(RATINGS_HOST, "10.1.1.1", "10.9.0.1");

        DiscoveryResponse cds = ratingsPod.expect(CDS);
        assertEquals(true, clusterNames(cds).contains("inbound|9080||"), "its inbound cluster: " + clusterNames(cds));
        ratingsPod.client.ack(cds, List.of());
        ratingsPod.ackNext(EDS);
        DiscoveryResponse lds = ratingsPod.expect(LDS);
        assertEquals(true, inboundChains(lds).contains("0.0.0.0_9080"), "its inbound chain: " + inboundChains(lds));
        ratingsPod.client.ack(lds, List.of());
        ratingsPod.expectOnlyTheAnswerTo("9997");
        DiscoveryResponse eds = other.expect(EDS);
        assertEquals(Set.of(RATINGS), names(eds), "the other proxy is sent the changed assignment only");
        other.ackEds(eds);
        other.expectOnlyTheAnswerTo("9997");
    }

    private void changeEndpoints(String host, String... ips) {
        registry.endpoints(host, MemoryRegistry.endpoints("http-9080", 9080, ips));
        server.discovery().configUpdate(PushRequest.endpoints(Set.of(new ConfigKey(Kind.ENDPOINT_SLICE, "default", host)), Set.of(host), Instant.now()));
    }

    private void changeRules(TrafficRules rules, Kind kind) {
        registry.rules(rules);
        server.discovery().configUpdate(PushRequest.full(TriggerReason.CONFIG, Set.of(new ConfigKey(kind, "istio-system", "changed")),
                Instant.now()));
    }

    /** An ingress gateway in istio-system, warmed up like a sidecar (it gets every cluster, and no listener yet). */
    private Envoy router() {
        Envoy e = new Envoy(new AdsClient(server.target(), "router~10.9.0.99~istio-ingressgateway-1.istio-system~istio-system.svc.cluster.local",
                Map.of()));
        envoys.add(e);
        e.warm(List.of(RATINGS, REVIEWS));
        return e;
    }

    private Envoy envoy(String namespace) {
        Envoy e = new Envoy(new AdsClient(server.target(), "sidecar~10.9.0." + (envoys.size() + 1) + "~app-" + envoys.size() + "." + namespace
                + "~" + namespace + ".svc.cluster.local", Map.of()));
        envoys.add(e);
        e.warm(namespace.equals("default") ? List.of(PRIVATE, RATINGS, REVIEWS) : List.of(RATINGS, REVIEWS));
        return e;
    }

    /** A raw stream that asks for config the way Envoy does and remembers what it needs to ACK and resubscribe. */
    private static final class Envoy {
        final AdsClient client;
        List<String> edsNames;
        final Set<String> routes = new TreeSet<>(List.of("9080"));
        DiscoveryResponse lastEds;
        DiscoveryResponse lastRds;

        Envoy(AdsClient client) {
            this.client = client;
        }

        void warm(List<String> clusters) {
            edsNames = clusters;
            client.send(CDS, List.of(), "", "");
            client.ack(expect(CDS), List.of());
            client.send(EDS, edsNames, "", "");
            lastEds = expect(EDS);
            ackEds(lastEds);
            client.send(LDS, List.of(), "", "");
            client.ack(expect(LDS), List.of());
            client.send(RDS, routes, "", "");
            lastRds = expect(RDS);
            client.ack(lastRds, routes);
        }

        DiscoveryResponse expect(String typeUrl) {
            DiscoveryResponse r = client.next(WAIT);
            assertEquals(typeUrl, r.getTypeUrl(), "unexpected response type");
            return r;
        }

        void ackNext(String typeUrl) {
            DiscoveryResponse r = expect(typeUrl);
            if (typeUrl.equals(EDS)) {
                ackEds(r);
            } else {
                client.ack(r, List.of());
            }
        }

        void ackEds(DiscoveryResponse eds) {
            lastEds = eds;
            client.ack(eds, edsNames);
        }

        /** Subscribes to one more route and expects its answer as the very next message. */
        void expectOnlyTheAnswerTo(String route) {
            routes.add(route);
            client.send(RDS, routes, lastRds.getVersionInfo(), lastRds.getNonce());
            DiscoveryResponse next = client.next(WAIT);
            assertEquals(RDS, next.getTypeUrl(), "expected only the answer to the route subscription, got " + next.getTypeUrl());
            lastRds = next;
            client.ack(next, routes);
        }
    }

    private static Set<String> names(DiscoveryResponse eds) throws InvalidProtocolBufferException {
        Set<String> out = new TreeSet<>();
        for (Any a : eds.getResourcesList()) {
            out.add(a.unpack(ClusterLoadAssignment.class).getClusterName());
        }
        return out;
    }

    private static List<String> clusterNames(DiscoveryResponse cds) throws InvalidProtocolBufferException {
        List<String> out = new ArrayList<>();
        for (Any a : cds.getResourcesList()) {
            out.add(a.unpack(io.envoyproxy.envoy.config.cluster.v3.Cluster.class).getName());
        }
        return out;
    }

    private static List<String> inboundChains(DiscoveryResponse lds) throws InvalidProtocolBufferException {
        for (Any a : lds.getResourcesList()) {
            io.envoyproxy.envoy.config.listener.v3.Listener l = a.unpack(io.envoyproxy.envoy.config.listener.v3.Listener.class);
            if (l.getName().equals("virtualInbound")) {
                return l.getFilterChainsList().stream().map(io.envoyproxy.envoy.config.listener.v3.FilterChain::getName).toList();
            }
        }
        throw new AssertionError("no virtualInbound");
    }

    private static List<String> addresses(DiscoveryResponse eds, String cluster) throws InvalidProtocolBufferException {
        for (Any a : eds.getResourcesList()) {
            ClusterLoadAssignment cla = a.unpack(ClusterLoadAssignment.class);
            if (cla.getClusterName().equals(cluster)) {
                List<String> out = new ArrayList<>();
                cla.getEndpointsList().forEach(l -> l.getLbEndpointsList().forEach(e -> out.add(e.getEndpoint().getAddress().getSocketAddress().getAddress())));
                return out;
            }
        }
        throw new AssertionError(cluster + " not in the response");
    }
}
