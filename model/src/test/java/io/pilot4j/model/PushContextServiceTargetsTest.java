package io.pilot4j.model;

import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.networking.TrafficRules;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which service ports a workload at an address serves: from a full build, and kept by endpoint-only pushes. */
class PushContextServiceTargetsTest {
    private static final ServicePort HTTP = new ServicePort("http", 80, Protocol.HTTP);
    private static final ServicePort GRPC = new ServicePort("grpc", 9090, Protocol.GRPC);

    private static Service service(String host, ServicePort... ports) {
        return new Service(host, "default", List.of(ports), Map.of(), List.of(), Resolution.CLIENT_SIDE_LB, false, Set.of());
    }

    private static Endpoint endpoint(String ip, int port, String portName) {
        return new Endpoint(ip, port, portName, Map.of(), Locality.NONE, 1, HealthStatus.HEALTHY, "");
    }

    private static PushContext build(List<Service> services, Map<String, List<Endpoint>> endpoints) {
        return PushContext.build(1, Instant.EPOCH, MeshConfig.defaults(),
                List.of(new RegistrySnapshot("File", services, endpoints, List.of(), TrafficRules.NONE)));
    }

    @Test
    void aWorkloadServesEachPortOfEachServiceWithAnEndpointAtItsAddressWithTheEndpointsPort() {
        Service reviews = service("reviews.default.svc.cluster.local", HTTP, GRPC);
        Service ratings = service("ratings.default.svc.cluster.local", HTTP);
        PushContext push = build(List.of(reviews, ratings), Map.of(
                reviews.hostname(), List.of(endpoint("10.1.0.1", 8080, "http"), endpoint("10.1.0.1", 9090, "grpc"),
                        endpoint("10.1.0.2", 8080, "http")),
                ratings.hostname(), List.of(endpoint("10.1.0.1", 8081, "http"))));

        assertEquals(List.of(new ServiceTarget(ratings, HTTP, 8081), new ServiceTarget(reviews, HTTP, 8080), new ServiceTarget(reviews, GRPC, 9090)),
                push.serviceTargets(List.of("10.1.0.1")), "by hostname, then in port order");
        assertEquals(List.of(new ServiceTarget(reviews, HTTP, 8080)), push.serviceTargets(List.of("10.1.0.2")));
        assertEquals(List.of(), push.serviceTargets(List.of("10.9.9.9")));
        assertEquals(Map.of(80, 8081, 9090, 9090), push.targetPorts(List.of("10.1.0.1")), "the first service by hostname keeps port 80");
        assertTrue(push.hasEndpointAt("10.1.0.2"));
        assertFalse(push.hasEndpointAt("10.9.9.9"));
    }

    /** Endpoints move between addresses at random; each endpoint-only snapshot answers as a fresh build of the same state. */
    @Test
    void endpointOnlyPushesAnswerAsAFreshBuild() {
        Random random = new Random(7);
        List<Service> services = new ArrayList<>();
        Map<String, List<Endpoint>> endpoints = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            Service s = service("svc-" + i + ".default.svc.cluster.local", HTTP, GRPC);
            services.add(s);
            endpoints.put(s.hostname(), List.of());
        }
        List<String> addresses = List.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5");
        PushContext push = build(services, endpoints);
        for (int step = 0; step < 500; step++) {
            Service s = services.get(random.nextInt(services.size()));
            List<Endpoint> next = new ArrayList<>();
            int n = random.nextInt(4);
            for (int e = 0; e < n; e++) {
                next.add(endpoint(addresses.get(random.nextInt(addresses.size())), 8000 + random.nextInt(3), random.nextBoolean() ? "http" : "grpc"));
            }
            endpoints.put(s.hostname(), next);
            RegistrySnapshot registry = new RegistrySnapshot("File", services, Map.copyOf(endpoints), List.of(), TrafficRules.NONE);
            push = push.withEndpoints(step + 2, Instant.EPOCH, List.of(registry), Set.of(s.hostname()));
            PushContext fresh = build(services, endpoints);
            for (String a : addresses) {
                assertEquals(fresh.serviceTargets(List.of(a)), push.serviceTargets(List.of(a)), "step " + step + ", " + a);
                assertEquals(fresh.hasEndpointAt(a), push.hasEndpointAt(a), "step " + step + ", " + a);
            }
        }
    }
}
