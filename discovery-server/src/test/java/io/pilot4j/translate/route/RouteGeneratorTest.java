package io.pilot4j.translate.route;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.pilot4j.mesh.MeshConfig;
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

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteGeneratorTest {
    private final RouteGenerator rds = new RouteGenerator();
    private final ProxyView sidecar = Proxies.sidecar("default");

    private RouteConfiguration route(ProxyView proxy, PushContext push, String name) {
        List<XdsResource> out = rds.generate(proxy, push, ResourceNames.of(name));
        assertEquals(1, out.size());
        assertEquals(name, out.get(0).name());
        return (RouteConfiguration) out.get(0).resource();
    }

    private static VirtualHost vhost(RouteConfiguration rc, String name) {
        return rc.getVirtualHostsList().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no virtual host " + name + " in " + rc.getVirtualHostsList()));
    }

    private static List<String> vhostNames(RouteConfiguration rc) {
        return rc.getVirtualHostsList().stream().map(VirtualHost::getName).toList();
    }

    @Test
    void aSniffedPortsRoutesHoldItsOwnServiceWithItsVirtualServiceAndNoCatchAll() {
        PushContext push = new PushFixture()
                .kube("legacy", "default").port("", 7000, Protocol.UNSUPPORTED).vip("10.96.0.40").and()
                .kube("other", "default").port("", 7000, Protocol.UNSUPPORTED).vip("10.96.0.41").and()
                .kube("web", "default").http(7000).vip("10.96.0.42").and()
                .istio("""
                        apiVersion: networking.istio.io/v1
                        kind: VirtualService
                        metadata: {name: legacy, namespace: default}
                        spec:
                          hosts: [legacy]
                          http: [{match: [{uri: {prefix: /v2}}], route: [{destination: {host: other}}]}]
                        """)
                .build();

        RouteConfiguration rc = route(sidecar, push, "legacy.default.svc.cluster.local:7000");

        assertEquals(List.of("legacy.default.svc.cluster.local:7000"), vhostNames(rc), "one service, no catch-all");
        assertEquals("outbound|7000||other.default.svc.cluster.local",
                rc.getVirtualHosts(0).getRoutes(0).getRoute().getCluster(), "the VirtualService's routes apply");
        assertEquals(List.of("web.default.svc.cluster.local:7000", "allow_any"), vhostNames(route(sidecar, push, "7000")),
                "the shared port route holds the declared HTTP services only");
        assertTrue(rds.generate(sidecar, push, ResourceNames.of("web.default.svc.cluster.local:7000")).isEmpty(), "a declared port is not sniffed");
        assertTrue(rds.generate(sidecar, push, ResourceNames.of("nosuch.default.svc.cluster.local:7000")).isEmpty());
    }

    @Test
    void sameNamespaceServiceAnswersToItsShortNamesAndVip() {
        PushContext push = new PushFixture().kube("reviews", "default").http(9080).vip("10.96.0.10").build();

        VirtualHost vh = vhost(route(sidecar, push, "9080"), "reviews.default.svc.cluster.local:9080");

        assertEquals(List.of("reviews.default.svc.cluster.local", "reviews.default.svc.cluster.local.",
                "reviews", "reviews.default.svc", "reviews.default", "10.96.0.10"), vh.getDomainsList());
    }

    @Test
    void otherNamespaceServiceNeedsItsNamespaceInTheName() {
        PushContext push = new PushFixture().kube("reviews", "default").http(9080).vip("10.96.0.10").build();

        VirtualHost vh = vhost(route(Proxies.sidecar("shop"), push, "9080"), "reviews.default.svc.cluster.local:9080");

        assertEquals(List.of("reviews.default.svc.cluster.local", "reviews.default.svc.cluster.local.",
                "reviews.default", "reviews.default.svc", "10.96.0.10"), vh.getDomainsList());
    }

    @Test
    void serviceEntryHostHasNoShortForms() {
        PushContext push = new PushFixture().host("api.example.com", "default").http(80).build();

        VirtualHost vh = vhost(route(sidecar, push, "80"), "api.example.com:80");

        assertEquals(List.of("api.example.com", "api.example.com."), vh.getDomainsList());
    }

    @Test
    @SuppressWarnings("deprecation") // Istio's deprecated fields, deliberately
    void defaultRouteFollowsIstio() {
        PushContext push = new PushFixture().kube("reviews", "default").http(9080).build();

        VirtualHost vh = vhost(route(sidecar, push, "9080"), "reviews.default.svc.cluster.local:9080");

        Route expected = Route.newBuilder()
                .setName("default")
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setDecorator(Decorator.newBuilder().setOperation("reviews.default.svc.cluster.local:9080/*"))
                .setRoute(RouteAction.newBuilder()
                        .setCluster("outbound|9080||reviews.default.svc.cluster.local")
                        .setTimeout(Durations.ZERO)
                        .setRetryPolicy(RetryPolicy.newBuilder()
                                .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
                                .setNumRetries(UInt32Value.of(2))
                                .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
                                        .setName("envoy.retry_host_predicates.previous_hosts")
                                        .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
                                .setHostSelectionRetryMaxAttempts(5))
                        .setMaxGrpcTimeout(Durations.ZERO))
                .build();
        assertEquals(List.of(expected), vh.getRoutesList());
        assertTrue(vh.getIncludeRequestAttemptCount());
    }

    @Test
    void routeConfigIgnoresPortsAndDoesNotValidateClusters() {
        RouteConfiguration rc = route(sidecar, new PushFixture().kube("reviews", "default").http(9080).build(), "9080");

        assertTrue(rc.getIgnorePortInHostMatching());
        assertEquals(BoolValue.of(false), rc.getValidateClusters());
    }

    @Test
    void holdsOnlyHttpServicesOfThatPortSortedByNameThenTheCatchAll() {
        PushContext push = new PushFixture()
                .kube("ratings", "default").http(9080).and()
                .kube("reviews", "default").http(9080).grpc(9090).and()
                .kube("details", "default").tcp(9080).and()
                .kube("legacy", "default").port("tcp", 9080, Protocol.UNSUPPORTED).and()
                .build();

        assertEquals(List.of("ratings.default.svc.cluster.local:9080", "reviews.default.svc.cluster.local:9080", "allow_any"),
                vhostNames(route(sidecar, push, "9080")));
        assertEquals(List.of("reviews.default.svc.cluster.local:9090", "allow_any"), vhostNames(route(sidecar, push, "9090")));
    }

    @Test
    @SuppressWarnings("deprecation") // Istio's deprecated fields, deliberately
    void allowAnyCatchAllPassesThrough() {
        VirtualHost catchAll = route(sidecar, PushContext.empty(MeshConfig.defaults()), "80").getVirtualHosts(0);

        assertEquals(VirtualHost.newBuilder()
                .setName("allow_any")
                .addDomains("*")
                .addRoutes(Route.newBuilder()
                        .setName("allow_any")
                        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setRoute(RouteAction.newBuilder()
                                .setCluster("PassthroughCluster")
                                .setTimeout(Durations.ZERO)
                                .setMaxGrpcTimeout(Durations.ZERO)))
                .setIncludeRequestAttemptCount(true)
                .build(), catchAll);
    }

    @Test
    void registryOnlyCatchAllAnswers502() {
        PushContext push = new PushFixture().mesh(PushFixture.registryOnly()).kube("reviews", "default").http(9080).build();

        RouteConfiguration rc = route(sidecar, push, "9080");

        VirtualHost last = rc.getVirtualHosts(rc.getVirtualHostsCount() - 1);
        assertEquals("block_all", last.getName());
        assertEquals(List.of("*"), last.getDomainsList());
        assertEquals("block_all", last.getRoutes(0).getName());
        assertEquals(DirectResponseAction.newBuilder().setStatus(502).build(), last.getRoutes(0).getDirectResponse());
    }

    @Test
    void unknownPortStillGetsTheCatchAll() {
        RouteConfiguration rc = route(sidecar, new PushFixture().kube("reviews", "default").http(9080).build(), "7777");

        assertEquals(List.of("allow_any"), vhostNames(rc));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"http_proxy", "reviews:9080", "0", "70000", "-1", "08x", ""})
    void skipsNamesThatAreNotPorts(String name) {
        assertEquals(List.of(), rds.generate(sidecar, PushContext.empty(MeshConfig.defaults()), ResourceNames.of(name)));
    }

    @Test
    void firstServiceByHostnameKeepsAContestedDomain() {
        PushContext push = new PushFixture()
                .kube("a", "default").http(80).vip("10.96.0.1").and()
                .kube("b", "default").http(80).vip("10.96.0.1").and()    // same VIP
                .build();

        RouteConfiguration rc = route(sidecar, push, "80");

        assertEquals(List.of("a.default.svc.cluster.local", "a.default.svc.cluster.local.", "a", "a.default.svc",
                "a.default", "10.96.0.1"), vhost(rc, "a.default.svc.cluster.local:80").getDomainsList());
        assertEquals(List.of("b.default.svc.cluster.local", "b.default.svc.cluster.local.", "b", "b.default.svc",
                "b.default"), vhost(rc, "b.default.svc.cluster.local:80").getDomainsList());
    }

    @Test
    void serviceLeftWithoutDomainsGetsNoVirtualHost() {
        // Envoy compares domains case-insensitively; "A.example.com" sorts first and takes both.
        PushContext push = new PushFixture()
                .host("a.example.com", "default").http(80).and()
                .host("A.example.com", "default").http(80).and()
                .build();

        assertEquals(List.of("A.example.com:80", "allow_any"), vhostNames(route(sidecar, push, "80")));
    }

    @Test
    void expandedShortNameNeverShadowsARealHostname() {
        PushContext push = new PushFixture()
                .kube("foo", "default").http(80).and()
                .host("foo", "default").http(80).and()    // a ServiceEntry literally named "foo"
                .build();

        RouteConfiguration rc = route(sidecar, push, "80");

        assertEquals(List.of("foo", "foo."), vhost(rc, "foo:80").getDomainsList());
        assertEquals(List.of("foo.default.svc.cluster.local", "foo.default.svc.cluster.local.", "foo.default.svc",
                "foo.default"), vhost(rc, "foo.default.svc.cluster.local:80").getDomainsList());
    }

    @Test
    void domainsAreUniqueAcrossTheRouteConfig() {
        PushContext push = new PushFixture()
                .kube("x", "default").http(80).vip("10.0.0.1").and()
                .kube("x", "other").http(80).vip("10.0.0.1").and()
                .host("X.default", "default").http(80).and()
                .host("x.other", "default").http(80).and()
                .build();

        Set<String> seen = new HashSet<>();
        for (VirtualHost vh : route(sidecar, push, "80").getVirtualHostsList()) {
            for (String d : vh.getDomainsList()) {
                assertTrue(seen.add(d.toLowerCase(Locale.ROOT)), "duplicate domain " + d);
            }
        }
    }

    @Test
    void hiddenServicesGetNoVirtualHost() {
        PushContext push = new PushFixture().kube("internal", "team").http(8080).exportTo(".").build();

        assertEquals(List.of("allow_any"), vhostNames(route(sidecar, push, "8080")));
        assertEquals(List.of("internal.team.svc.cluster.local:8080", "allow_any"), vhostNames(route(Proxies.sidecar("team"), push, "8080")));
    }

    @Test
    void ipv6VipIsBracketed() {
        PushContext push = new PushFixture().host("v6.example.com", "default").http(80).vip("fd00::10").build();

        assertEquals(List.of("v6.example.com", "v6.example.com.", "[fd00::10]"),
                vhost(route(sidecar, push, "80"), "v6.example.com:80").getDomainsList());
    }
}
