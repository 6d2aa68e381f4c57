package io.pilot4j.translate.grpc;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class GrpcRouteGeneratorTest {
    private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";

    private final GrpcRouteGenerator rds = new GrpcRouteGenerator();
    private final ProxyView client = Proxies.grpc("default");

    private static PushContext push() {
        return new PushFixture()
                .kube("reviews", "default").grpc(9080).vip("10.96.0.10").and()
                .kube("ratings", "default").grpc(9080).and()
                .kube("raw", "default").port("", 5000, Protocol.UNSUPPORTED).and()
                .build();
    }

    private RouteConfiguration route(String name) {
        List<XdsResource> out = rds.generate(client, push(), ResourceNames.of(name));
        assertEquals(1, out.size());
        assertEquals(name, out.get(0).name());
        return (RouteConfiguration) out.get(0).resource();
    }

    @Test
    void holdsOnlyTheRequestedServiceWithPortDomainsAndNoCatchAll() {
        RouteConfiguration rc = route(REVIEWS);

        assertEquals(REVIEWS, rc.getName());
        assertEquals(1, rc.getVirtualHostsCount());
        VirtualHost vh = rc.getVirtualHosts(0);
        assertEquals("reviews.default.svc.cluster.local:9080", vh.getName());
        assertEquals(List.of(
                "reviews.default.svc.cluster.local", "reviews.default.svc.cluster.local:9080",
                "reviews.default.svc.cluster.local.", "reviews.default.svc.cluster.local.:9080",
                "reviews", "reviews:9080", "reviews.default.svc", "reviews.default.svc:9080",
                "reviews.default", "reviews.default:9080",
                "10.96.0.10", "10.96.0.10:9080"), vh.getDomainsList());
        assertEquals(REVIEWS, vh.getRoutes(0).getRoute().getCluster());
        assertFalse(rc.getIgnorePortInHostMatching());
    }

    @Test
    void unnamedPortIsRoutableForGrpc() {
        assertEquals(List.of("raw.default.svc.cluster.local:5000"),
                route("outbound|5000||raw.default.svc.cluster.local").getVirtualHostsList().stream().map(VirtualHost::getName).toList());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "outbound|9080||unknown.default.svc.cluster.local",
            "outbound|1234||reviews.default.svc.cluster.local",
            "inbound|9080||reviews.default.svc.cluster.local",
    })
    void unknownServiceGetsAnEmptyRouteConfig(String name) {
        assertEquals(RouteConfiguration.newBuilder().setName(name).build(), route(name));
    }

    @Test
    void skipsNamesThatAreNotClusterNames() {
        assertEquals(List.of(), rds.generate(client, push(), ResourceNames.of("9080", "reviews:9080")));
    }
}
