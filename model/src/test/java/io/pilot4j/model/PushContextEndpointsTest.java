package io.pilot4j.model;

import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.networking.TrafficRules;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A push that changes endpoints only keeps the snapshot's services, rules and their index, and reads again the
 * endpoints of the hostnames its requests name, and no others.
 */
class PushContextEndpointsTest {
    private static final String REVIEWS = "reviews.default.svc.cluster.local";
    private static final String RATINGS = "ratings.default.svc.cluster.local";

    private static Service service(String host) {
        return new Service(host, "default", List.of(new ServicePort("http", 9080, Protocol.HTTP)), Map.of(), List.of(),
                Resolution.CLIENT_SIDE_LB, false, Set.of());
    }

    private static Endpoint endpoint(String ip) {
        return new Endpoint(ip, 9080, "http", Map.of(), Locality.NONE, 1, HealthStatus.HEALTHY, "");
    }

    @Test
    void anEndpointsPushReusesTheServicesRulesAndAnalysisAndReadsTheNewEndpoints() {
        List<Endpoint> ratings = List.of(endpoint("10.2.0.1"));
        RegistrySnapshot first = new RegistrySnapshot("File", List.of(service(REVIEWS), service(RATINGS)),
                Map.of(REVIEWS, List.of(endpoint("10.1.0.1")), RATINGS, ratings), List.of(), TrafficRules.NONE);
        PushContext before = PushContext.build(1, Instant.EPOCH, MeshConfig.defaults(), List.of(first));

        RegistrySnapshot next = new RegistrySnapshot("File", List.of(service(REVIEWS), service(RATINGS), service("new.example.com")),
                Map.of(REVIEWS, List.of(endpoint("10.1.0.1"), endpoint("10.1.0.2")), RATINGS, List.of(endpoint("10.2.0.9")),
                        "new.example.com", List.of(endpoint("10.3.0.1"))), List.of(), TrafficRules.NONE);
        PushContext after = before.withEndpoints(2, Instant.EPOCH, List.of(next), Set.of(REVIEWS, "new.example.com"));

        assertEquals(2, after.sequence());
        assertEquals(List.of(endpoint("10.1.0.1"), endpoint("10.1.0.2")), after.endpoints(REVIEWS));
        assertSame(ratings, after.endpoints(RATINGS), "a hostname the request does not name is not read again: its list stays the instance");
        assertEquals(PushChanges.ofEndpoints(before, after, Set.of(REVIEWS, "new.example.com")).endpoints(), Set.of(REVIEWS),
                "only the named hostnames are compared, and one without a service here is no change");
        assertSame(before.services(), after.services());
        assertSame(before.rules(), after.rules(), "the rule index is this snapshot's, not rebuilt");
        assertSame(before.ruleAnalysis(), after.ruleAnalysis());
        assertTrue(after.service("new.example.com").isEmpty(), "a service added meanwhile waits for the full push its request brings");
        assertNotSame(PushContext.build(3, Instant.EPOCH, MeshConfig.defaults(), List.of(next)).rules(), before.rules(),
                "a full build makes a new index: what this test tells apart");
    }
}
