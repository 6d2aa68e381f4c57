package io.pilot4j.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Kind;
import io.pilot4j.model.PushRequest;
import io.pilot4j.testing.AdsClient;
import io.pilot4j.testing.MemoryRegistry;
import io.pilot4j.testing.XdsTestServer;
import io.pilot4j.translate.ResourceNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The XDS cache is keyed by what generators read (the proxy's view, the subscription, the push snapshot), so it must
 * neither mix up proxies that see different config nor generate twice for proxies that see the same. Observed on the
 * wire and through xds_cache_reads, over real ADS streams; one request at a time, so each read is attributable.
 */
class SharedGenerationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
    private static final String EDS = Resources.V3.ENDPOINT_TYPE_URL;
    private static final String LDS = Resources.V3.LISTENER_TYPE_URL;
    private static final String SHARED = "outbound|9080||shared.default.svc.cluster.local";
    private static final String PRIVATE = "outbound|9090||private.default.svc.cluster.local";

    private final MemoryRegistry registry = new MemoryRegistry()
            .put(MemoryRegistry.http("shared", "default", 9080, "10.96.0.1", "*"), MemoryRegistry.endpoints("http-9080", 9080, "10.1.0.1"))
            .put(MemoryRegistry.http("private", "default", 9090, "10.96.0.2", "."), MemoryRegistry.endpoints("http-9090", 9090, "10.1.0.2"));
    private XdsTestServer server;
    private final List<AdsClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = XdsTestServer.start(registry, XdsTestServer.fast());
    }

    @AfterEach
    void stop() {
        clients.forEach(AdsClient::close);
        server.close();
    }

    @Test
    void proxiesWithEqualViewsShareOneGenerationAndOthersGetTheirOwn() throws Exception {
        AdsClient reviews = client("sidecar~10.1.0.10~reviews-1.default~default.svc.cluster.local", Map.of("ISTIO_VERSION", "1.24.0"));
        AdsClient ratings = client("sidecar~10.1.0.11~ratings-1.default~default.svc.cluster.local", Map.of());
        AdsClient elsewhere = client("sidecar~10.2.0.10~app-1.other~other.svc.cluster.local", Map.of());
        AdsClient local = client("sidecar~127.0.0.1~sleep-1.default~default.svc.cluster.local", Map.of("INTERCEPTION_MODE", "NONE"));

        Reads before = reads();
        DiscoveryResponse first = request(reviews, CDS);
        assertEquals(before.plus(0, 1), reads(), "the first proxy of a view generates");
        DiscoveryResponse second = request(ratings, CDS);
        assertEquals(before.plus(1, 1), reads(), "another pod in the same namespace, other pod name, IP and metadata: served from the cache");
        assertEquals(first.getVersionInfo(), second.getVersionInfo());
        assertEquals(first.getResourcesList(), second.getResourcesList());

        DiscoveryResponse other = request(elsewhere, CDS);
        assertEquals(before.plus(1, 2), reads(), "another namespace is another view");
        assertTrue(clusters(first).containsAll(Set.of(SHARED, PRIVATE)), clusters(first).toString());
        assertTrue(clusters(other).contains(SHARED), clusters(other).toString());
        assertFalse(clusters(other).contains(PRIVATE), "exportTo \".\" keeps the private service in its namespace");

        request(local, CDS);
        assertEquals(before.plus(1, 3), reads(), "INTERCEPTION_MODE is part of the view");
        Listener reviewsFirst = firstListener(request(reviews, LDS));
        Listener localFirst = firstListener(request(local, LDS));
        assertEquals("virtualOutbound", reviewsFirst.getName());
        assertNotEquals("virtualOutbound", localFirst.getName(), "without iptables there is no virtualOutbound");
        assertTrue(localFirst.getName().startsWith("127.0.0.1_"), localFirst.getName());
    }

    @Test
    void aPushGeneratesOncePerViewAndSubscription() throws Exception {
        AdsClient reviews = client("sidecar~10.1.0.10~reviews-1.default~default.svc.cluster.local", Map.of());
        AdsClient ratings = client("sidecar~10.1.0.11~ratings-1.default~default.svc.cluster.local", Map.of());
        for (AdsClient c : List.of(reviews, ratings)) {
            c.ack(request(c, EDS, SHARED), List.of(SHARED));
        }

        Reads before = reads();
        registry.endpoints("shared.default.svc.cluster.local", MemoryRegistry.endpoints("http-9080", 9080, "10.1.0.1", "10.1.0.3"));
        server.discovery().configUpdate(PushRequest.endpoints(Set.of(new ConfigKey(Kind.ENDPOINT_SLICE, "default", "shared")), Set.of("shared.default.svc.cluster.local"), Instant.now()));
        DiscoveryResponse pushedToReviews = reviews.next(WAIT);
        DiscoveryResponse pushedToRatings = ratings.next(WAIT);

        assertEquals(EDS, pushedToReviews.getTypeUrl());
        assertEquals(pushedToReviews.getVersionInfo(), pushedToRatings.getVersionInfo());
        assertEquals(pushedToReviews.getResourcesList(), pushedToRatings.getResourcesList());
        assertEquals(before.plus(1, 1), reads(), "one generation for the two proxies, one read served from it");
        assertSame(endpointSubscription("reviews-1.default"), endpointSubscription("ratings-1.default"),
                "equal subscriptions are held once, whoever subscribed first");
    }

    private ResourceNames endpointSubscription(String proxyId) {
        return server.discovery().connection(proxyId).orElseThrow().watched().get(XdsType.EDS).names();
    }

    private AdsClient client(String nodeId, Map<String, String> metadata) {
        AdsClient c = new AdsClient(server.target(), nodeId, metadata);
        clients.add(c);
        return c;
    }

    private static DiscoveryResponse request(AdsClient client, String typeUrl, String... names) {
        client.send(typeUrl, List.of(names), "", "");
        DiscoveryResponse r = client.next(WAIT);
        assertEquals(typeUrl, r.getTypeUrl());
        return r;
    }

    private record Reads(long hits, long misses) {
        Reads plus(long moreHits, long moreMisses) {
            return new Reads(hits + moreHits, misses + moreMisses);
        }
    }

    private Reads reads() {
        return new Reads(server.metrics().xdsCacheReads(true), server.metrics().xdsCacheReads(false));
    }

    private static Set<String> clusters(DiscoveryResponse cds) throws InvalidProtocolBufferException {
        Set<String> out = new TreeSet<>();
        for (Any a : cds.getResourcesList()) {
            out.add(a.unpack(Cluster.class).getName());
        }
        return out;
    }

    private static Listener firstListener(DiscoveryResponse lds) throws InvalidProtocolBufferException {
        return lds.getResources(0).unpack(Listener.class);
    }
}
