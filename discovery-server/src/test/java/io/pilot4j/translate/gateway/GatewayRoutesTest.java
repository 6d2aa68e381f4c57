package io.pilot4j.translate.gateway;

import com.google.protobuf.TextFormat;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Gateway RDS, Gateway and VirtualService YAML in, the router's route config out: which hosts a server admits, how
 * VirtualServices of one host merge, how match gateways apply. Virtual hosts are compared by value, routes by their
 * name and cluster (their translation is {@code VirtualServiceRoutesTest}'s subject, and shared).
 */
class GatewayRoutesTest {
    static final ProxyView ROUTER = Proxies.router("istio-system", Map.of(), Map.of("istio", "ingressgateway"));

    static String gateway(String name, String namespace, String servers) {
        return """
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: %s, namespace: %s}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                """.formatted(name, namespace) + servers.indent(2) + "---\n";
    }

    static String vs(String name, String namespace, String spec) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: %s, namespace: %s}
                spec:
                """.formatted(name, namespace) + spec.indent(2) + "---\n";
    }

    static final String HTTP_ALL = gateway("gw", "istio-system", """
            - port: {number: 8080, name: http, protocol: HTTP}
              hosts: ["*"]
            """);

    static PushFixture services() {
        return new PushFixture()
                .kube("reviews", "default").http(9080).and()
                .kube("ratings", "default").http(9080).and()
                .kube("web", "shop").http(80).and();
    }

    /** A route as "name -> cluster" (or "-> 404" without an action), enough to tell where each goes. */
    static String describe(io.envoyproxy.envoy.config.route.v3.Route r) {
        String target = r.getRoute().hasWeightedClusters()
                ? r.getRoute().getWeightedClusters().getClustersList().stream().map(c -> c.getName() + "=" + c.getWeight().getValue()).toList().toString()
                : r.getRoute().getCluster();
        String path = r.getMatch().hasPrefix() ? r.getMatch().getPrefix() : r.getMatch().getPath();
        return path + " -> " + target;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("server * admits the VirtualService's hosts; one virtual host each, domain the host", HTTP_ALL
                        + vs("reviews", "default", """
                        hosts: [reviews.example.com]
                        gateways: [istio-system/gw]
                        http: [{route: [{destination: {host: reviews}}]}]
                        """), "http.8080", """
                        name: "reviews.example.com:8080" domains: "reviews.example.com" include_request_attempt_count: true
                        """, List.of(List.of("/ -> outbound|9080||reviews.default.svc.cluster.local"))),
                arguments("server *.example.com admits a.example.com, not other.org; the more specific host is kept",
                        gateway("gw", "istio-system", """
                        - port: {number: 8080, name: http, protocol: HTTP}
                          hosts: ["*.example.com"]
                        """) + vs("reviews", "default", """
                        hosts: [a.example.com, other.org]
                        gateways: [istio-system/gw]
                        http: [{route: [{destination: {host: reviews}}]}]
                        """), "http.8080", """
                        name: "a.example.com:8080" domains: "a.example.com" include_request_attempt_count: true
                        """, List.of(List.of("/ -> outbound|9080||reviews.default.svc.cluster.local"))),
                arguments("ns/host servers admit only VirtualServices of that namespace; a short gateway name is the VS's namespace",
                        gateway("gw", "shop", """
                        - port: {number: 8080, name: http, protocol: HTTP}
                          hosts: ["shop/*"]
                        """) + vs("web", "shop", """
                        hosts: [web.example.com]
                        gateways: [gw]
                        http: [{route: [{destination: {host: web}}]}]
                        """) + vs("reviews", "default", """
                        hosts: [reviews.example.com]
                        gateways: [shop/gw]
                        http: [{route: [{destination: {host: reviews}}]}]
                        """), "http.8080", """
                        name: "web.example.com:8080" domains: "web.example.com" include_request_attempt_count: true
                        """, List.of(List.of("/ -> outbound|80||web.shop.svc.cluster.local"))),
                arguments("VirtualServices of one host merge: routes in order, catch-all last; mesh-only matches and routes left out",
                        HTTP_ALL + vs("a-reviews", "default", """
                        hosts: [bookinfo.example.com]
                        gateways: [istio-system/gw, mesh]
                        http:
                        - route: [{destination: {host: reviews}}]
                        - match: [{uri: {prefix: /mesh-only}, gateways: [mesh]}]
                          route: [{destination: {host: ratings}}]
                        """) + vs("b-ratings", "default", """
                        hosts: [bookinfo.example.com]
                        gateways: [istio-system/gw]
                        http:
                        - match: [{uri: {prefix: /ratings}, gateways: [istio-system/gw]}]
                          route: [{destination: {host: ratings}}]
                        """) + vs("c-mesh", "default", """
                        hosts: [bookinfo.example.com]
                        http: [{route: [{destination: {host: ratings}}]}]
                        """), "http.8080", """
                        name: "bookinfo.example.com:8080" domains: "bookinfo.example.com" include_request_attempt_count: true
                        """, List.of(List.of("/ratings -> outbound|9080||ratings.default.svc.cluster.local",
                        "/ -> outbound|9080||reviews.default.svc.cluster.local"))),
                arguments("hosts of one VirtualService share a virtual host (route collapse)", HTTP_ALL + vs("reviews", "default", """
                        hosts: [b.example.com, a.example.com]
                        gateways: [istio-system/gw]
                        http: [{route: [{destination: {host: reviews}, weight: 90}, {destination: {host: ratings}, weight: 10}]}]
                        """), "http.8080", """
                        name: "a.example.com:8080" domains: "a.example.com" domains: "b.example.com" include_request_attempt_count: true
                        """, List.of(List.of("/ -> [outbound|9080||reviews.default.svc.cluster.local=90, outbound|9080||ratings.default.svc.cluster.local=10]"))),
                arguments("a VirtualService exported only to its own namespace is not seen by a router elsewhere: Istio's blackhole",
                        HTTP_ALL + vs("reviews", "default", """
                        hosts: [reviews.example.com]
                        gateways: [istio-system/gw]
                        exportTo: ["."]
                        http: [{route: [{destination: {host: reviews}}]}]
                        """), "http.8080", """
                        name: "blackhole:8080" domains: "*"
                        """, List.of(List.of())),
                arguments("httpsRedirect: every host of the server requires TLS, routed or not", gateway("gw", "istio-system", """
                        - port: {number: 8080, name: http, protocol: HTTP}
                          hosts: [reviews.example.com, other.example.com]
                          tls: {httpsRedirect: true}
                        """) + vs("reviews", "default", """
                        hosts: [reviews.example.com]
                        gateways: [istio-system/gw]
                        http: [{route: [{destination: {host: reviews}}]}]
                        """), "http.8080", """
                        name: "other.example.com:8080" domains: "other.example.com" include_request_attempt_count: true require_tls: ALL
                        ---
                        name: "reviews.example.com:8080" domains: "reviews.example.com" include_request_attempt_count: true require_tls: ALL
                        """, List.of(List.of(), List.of("/ -> outbound|9080||reviews.default.svc.cluster.local"))),
                arguments("HTTPS servers: each its own route config, named https.PORT.PORT_NAME.GATEWAY.NAMESPACE",
                        gateway("gw", "istio-system", """
                        - port: {number: 8443, name: https-a, protocol: HTTPS}
                          hosts: [a.example.com]
                          tls: {mode: SIMPLE, serverCertificate: /etc/certs/a.pem, privateKey: /etc/certs/a.key}
                        - port: {number: 8443, name: https-b, protocol: HTTPS}
                          hosts: [b.example.com]
                          tls: {mode: SIMPLE, serverCertificate: /etc/certs/b.pem, privateKey: /etc/certs/b.key}
                        """) + vs("reviews", "default", """
                        hosts: [a.example.com, b.example.com]
                        gateways: [istio-system/gw]
                        http: [{route: [{destination: {host: reviews}}]}]
                        """), "https.8443.https-b.gw.istio-system", """
                        name: "b.example.com:8443" domains: "b.example.com" include_request_attempt_count: true
                        """, List.of(List.of("/ -> outbound|9080||reviews.default.svc.cluster.local"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void routeConfig(String name, String rules, String routeName, String expectedHosts, List<List<String>> expectedRoutes) throws Exception {
        PushContext push = services().istio(rules).build();
        RouteConfiguration rc = (RouteConfiguration) new GatewayRouteGenerator().generate(ROUTER, push, ResourceNames.of(routeName))
                .get(0).resource();

        assertEquals(routeName, rc.getName());
        assertEquals(parseHosts(expectedHosts), rc.getVirtualHostsList().stream().map(v -> v.toBuilder().clearRoutes().build()).toList());
        assertEquals(expectedRoutes, rc.getVirtualHostsList().stream()
                .map(v -> v.getRoutesList().stream().map(GatewayRoutesTest::describe).toList()).toList());
        assertEquals(false, rc.getValidateClusters().getValue());
        assertEquals(true, rc.getIgnorePortInHostMatching());
    }

    @Test
    void aWildcardSubscriptionGetsEveryServerRouteConfig() {
        PushContext push = services().istio(gateway("gw", "istio-system", """
                - port: {number: 8080, name: http, protocol: HTTP}
                  hosts: ["*"]
                - port: {number: 8443, name: https, protocol: HTTPS}
                  hosts: ["*"]
                  tls: {mode: SIMPLE, serverCertificate: /c.pem, privateKey: /c.key}
                - port: {number: 9000, name: tcp, protocol: TCP}
                  hosts: ["*"]
                """)).build();

        List<String> names = new GatewayRouteGenerator().generate(ROUTER, push, ResourceNames.all()).stream().map(r -> r.name()).toList();

        assertEquals(List.of("http.8080", "https.8443.https.gw.istio-system"), names);
    }

    @Test
    void aRouteNameNoServerHasGetsAnEmptyRouteConfig() {
        PushContext push = services().build();

        RouteConfiguration rc = (RouteConfiguration) new GatewayRouteGenerator().generate(ROUTER, push, ResourceNames.of("http.8080"))
                .get(0).resource();

        assertEquals(RouteConfiguration.newBuilder().setName("http.8080")
                .setValidateClusters(com.google.protobuf.BoolValue.of(false)).build(), rc);
    }

    private static List<VirtualHost> parseHosts(String text) throws TextFormat.ParseException {
        List<VirtualHost> out = new java.util.ArrayList<>();
        for (String part : text.split("(?m)^---$")) {
            VirtualHost.Builder b = VirtualHost.newBuilder();
            TextFormat.merge(part, b);
            out.add(b.build());
        }
        return out;
    }
}
