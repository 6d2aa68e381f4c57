package io.pilot4j.serviceregistry.file;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.endpoint.EndpointGenerator;
import io.pilot4j.translate.route.RouteGenerator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped examples/bookinfo directory loads as documented in its README. */
class BookinfoExampleTest {
    /** Maven runs tests in the module directory. */
    private static final Path BOOKINFO = Path.of("..", "examples", "bookinfo");

    @Test
    void servesBookinfo() throws Exception {
        CapturingUpdater updater = new CapturingUpdater();
        try (FileRegistry registry = new FileRegistry(BOOKINFO, "cluster.local", updater)) {
            registry.start();
            RegistrySnapshot s = registry.snapshot();

            assertEquals(List.of(), s.errors());
            assertEquals(List.of(
                    "details.default.svc.cluster.local",
                    "httpbin.org",
                    "productpage.default.svc.cluster.local",
                    "ratings.default.svc.cluster.local",
                    "reviews.default.svc.cluster.local"), s.services().stream().map(Service::hostname).toList());

            for (Service service : s.services()) {
                if (service.hostname().endsWith(".svc.cluster.local")) {
                    assertEquals("default", service.namespace());
                    assertEquals(List.of(new ServicePort("http", 9080, Protocol.HTTP)), service.ports(), service.hostname());
                    assertEquals(Resolution.CLIENT_SIDE_LB, service.resolution());
                    assertEquals(1, service.addresses().size(), service.hostname());
                }
            }
            Service httpbin = s.services().get(1);
            assertEquals(List.of(new ServicePort("http", 80, Protocol.HTTP), new ServicePort("tls", 443, Protocol.TLS)), httpbin.ports());
            assertEquals(Resolution.DNS_LB, httpbin.resolution());
            assertTrue(httpbin.meshExternal());

            Map<String, List<Endpoint>> endpoints = s.endpoints();
            assertEquals(1, endpoints.get("productpage.default.svc.cluster.local").size());
            assertEquals(1, endpoints.get("details.default.svc.cluster.local").size());
            assertEquals(1, endpoints.get("ratings.default.svc.cluster.local").size());
            assertEquals(2, endpoints.get("httpbin.org").size(), "the host itself on each port");

            List<Endpoint> reviews = endpoints.get("reviews.default.svc.cluster.local");
            assertEquals(4, reviews.size(), "v1 1 pod, v2 2 pods, v3 1 pod");
            assertEquals(Set.of("us-west1-a", "us-west1-b", "us-west1-c"),
                    new TreeSet<>(reviews.stream().map(e -> e.locality().zone()).toList()));
            for (Endpoint e : reviews) {
                assertEquals(9080, e.port());
                assertEquals("http", e.servicePortName());
                assertEquals(HealthStatus.HEALTHY, e.health());
            }
            assertEquals(Set.of("v1", "v2", "v3"), new TreeSet<>(reviews.stream().map(e -> e.labels().get("version")).toList()));
            assertEquals(11, registry.configs().size(),
                    "3 Services, 3 EndpointSlices, 2 ServiceEntries, 1 DestinationRule, 2 VirtualServices");

            // The classic rules: reviews subsets, jason to v2, 80/20 for the rest, a delay on ratings for jason.
            assertEquals(List.of("v1", "v2", "v3"), s.rules().destinationRules().get(0).subsets().stream()
                    .map(io.pilot4j.model.networking.DestinationRule.Subset::name).toList());
            assertEquals(List.of("ratings.default.svc.cluster.local", "reviews.default.svc.cluster.local"),
                    s.rules().virtualServices().stream().map(v -> v.hosts().get(0)).sorted().toList());

            // What a sidecar of default is sent for them: jason's route to v2, then the 80/20 split; each subset's
            // endpoints are its version's pods.
            PushContext push = PushContext.build(1, java.time.Instant.EPOCH, MeshConfig.defaults(), List.of(s));
            ProxyView sidecar = ProxyView.of(Proxy.fromNode("sidecar~10.244.9.9~productpage-v1-x.default~default.svc.cluster.local",
                    Map.of(), Map.of("app", "productpage")));
            RouteConfiguration rc = (RouteConfiguration) new RouteGenerator().generate(sidecar, push, ResourceNames.of("9080"))
                    .get(0).resource();
            VirtualHost vh = rc.getVirtualHostsList().stream()
                    .filter(v -> v.getName().equals("reviews.default.svc.cluster.local:9080")).findFirst().orElseThrow();
            assertEquals(2, vh.getRoutesCount());
            assertEquals("jason", vh.getRoutes(0).getMatch().getHeaders(0).getStringMatch().getExact());
            assertEquals("outbound|9080|v2|reviews.default.svc.cluster.local", vh.getRoutes(0).getRoute().getCluster());
            assertEquals(List.of("outbound|9080|v1|reviews.default.svc.cluster.local=80", "outbound|9080|v3|reviews.default.svc.cluster.local=20"),
                    vh.getRoutes(1).getRoute().getWeightedClusters().getClustersList().stream()
                            .map(c -> c.getName() + "=" + c.getWeight().getValue()).toList());
            EndpointGenerator eds = new EndpointGenerator();
            for (Map.Entry<String, Integer> subset : Map.of("v1", 1, "v2", 2, "v3", 1).entrySet()) {
                String cluster = "outbound|9080|" + subset.getKey() + "|reviews.default.svc.cluster.local";
                ClusterLoadAssignment cla = (ClusterLoadAssignment) eds.generate(sidecar, push, ResourceNames.of(cluster)).get(0).resource();
                assertEquals(subset.getValue().intValue(), cla.getEndpointsList().stream().mapToInt(l -> l.getLbEndpointsCount()).sum(), cluster);
            }
        }
    }
}
