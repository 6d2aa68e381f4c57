package io.pilot4j.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushChanges;
import io.pilot4j.model.PushContext;
import io.pilot4j.monitoring.PilotMetrics;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.endpoint.EndpointGenerator;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The XDS cache keys generations by the view a connection narrows for the snapshot, as {@code Connection} does: with
 * locality load balancing in effect, proxies of one namespace in different localities get different endpoint
 * assignments and never each other's (also across snapshots, where assignments are kept one by one), while proxies
 * of one locality share one; without it, every locality shares one.
 */
class LocalityCacheTest {
    private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";
    private static final Locality ZONE_A = new Locality("us-east", "a", "");
    private static final Locality ZONE_B = new Locality("us-east", "b", "");

    private final XdsCache cache = new XdsCache(new PilotMetrics(new SimpleMeterRegistry()));
    private final EndpointGenerator eds = new EndpointGenerator();

    private static PushContext push(boolean outlierDetection, String ratingsAddress) {
        PushFixture fixture = new PushFixture()
                .kube("reviews", "default").http(9080)
                .endpoint("10.0.0.1", 9080, "http-9080", ZONE_A, 1, HealthStatus.HEALTHY)
                .endpoint("10.0.0.2", 9080, "http-9080", ZONE_B, 1, HealthStatus.HEALTHY)
                .and().kube("ratings", "default").http(9080)
                .endpoint(ratingsAddress, 9080, "http-9080")
                .and();
        if (outlierDetection) {
            fixture.istio("""
                    apiVersion: networking.istio.io/v1
                    kind: DestinationRule
                    metadata: {name: reviews, namespace: default}
                    spec:
                      host: reviews
                      trafficPolicy: {outlierDetection: {consecutive5xxErrors: 3}}
                    """);
        }
        return fixture.build();
    }

    private static ProxyView proxy(String ip, Locality locality) {
        return ProxyView.of(Proxy.fromNode("sidecar~" + ip + "~app-" + ip.replace('.', '-') + ".default~default.svc.cluster.local", Map.of(), Map.of(), locality));
    }

    private Generation eds(ProxyView proxy, PushContext push) {
        return cache.get(new XdsCache.Key(XdsType.EDS, proxy.narrowedFor(push), ResourceNames.of(REVIEWS)), push, eds);
    }

    /** Priority per locality zone, read back from the bytes the cache holds. */
    private static Map<String, Integer> priorities(Generation g) throws InvalidProtocolBufferException {
        ClusterLoadAssignment cla = g.resources().get(0).resource().unpack(ClusterLoadAssignment.class);
        Map<String, Integer> out = new TreeMap<>();
        for (LocalityLbEndpoints group : cla.getEndpointsList()) {
            out.put(group.getLocality().getZone(), group.getPriority());
        }
        return out;
    }

    @Test
    void proxiesInOtherLocalitiesGetTheirOwnAssignmentAndEqualLocalitiesShareOne() throws Exception {
        PushContext first = push(true, "10.0.1.1");
        cache.install(first, PushChanges.everything());
        ProxyView a1 = proxy("10.1.0.1", ZONE_A);
        ProxyView a2 = proxy("10.1.0.2", ZONE_A);
        ProxyView b = proxy("10.1.0.3", ZONE_B);

        Generation forA = eds(a1, first);
        assertSame(forA, eds(a2, first), "two proxies of zone a share one generation");
        Generation forB = eds(b, first);
        assertNotSame(forA, forB);
        assertEquals(Map.of("a", 0, "b", 1), priorities(forA), "zone a's proxies prefer zone a");
        assertEquals(Map.of("b", 0, "a", 1), priorities(forB), "zone b's proxy prefers zone b");

        // An endpoint change to another service keeps reviews' assignments, each under its own locality.
        PushContext second = push(true, "10.0.1.2");
        PushChanges changes = PushChanges.between(first, second);
        assertEquals(Set.of("ratings.default.svc.cluster.local"), changes.endpoints());
        cache.install(second, changes);
        Generation forBAgain = eds(b, second);
        Generation forAAgain = eds(a1, second);
        assertSame(forB.resources().get(0), forBAgain.resources().get(0), "zone b's assignment is kept across snapshots");
        assertSame(forA.resources().get(0), forAAgain.resources().get(0), "and so is zone a's, apart from it");
        assertNotEquals(forAAgain.version(), forBAgain.version());
    }

    @Test
    void withoutLocalityLoadBalancingEveryLocalitySharesOneGeneration() throws Exception {
        PushContext push = push(false, "10.0.1.1");
        cache.install(push, PushChanges.everything());
        Generation forA = eds(proxy("10.1.0.1", ZONE_A), push);
        assertSame(forA, eds(proxy("10.1.0.3", ZONE_B), push));
        assertEquals(Map.of("a", 0, "b", 0), priorities(forA));
    }
}
