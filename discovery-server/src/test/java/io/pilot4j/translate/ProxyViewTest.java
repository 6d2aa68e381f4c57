package io.pilot4j.translate;

import io.pilot4j.model.Locality;
import io.pilot4j.model.Proxy;
import io.pilot4j.translate.listener.InterceptionMode;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A view keeps what generators read of a node and nothing else, so it is equal for every proxy that must get the same config. */
class ProxyViewTest {

    @Test
    void podsOfOneWorkloadShareAViewUnlessTheyServeAService() {
        ProxyView a = ProxyView.of(Proxy.fromNode("sidecar~10.1.0.1~reviews-v1-abc.default~default.svc.cluster.local",
                Map.of("ISTIO_VERSION", "1.24.0", "CLUSTER_ID", "Kubernetes"), Map.of("app", "reviews")));
        ProxyView b = ProxyView.of(Proxy.fromNode("sidecar~10.1.0.2~reviews-v1-xyz.default~default.svc.cluster.local",
                Map.of("ISTIO_VERSION", "1.25.1"), Map.of("app", "reviews")));
        io.pilot4j.model.PushContext elsewhere = new PushFixture().kube("reviews", "default").http(9080).endpoint("10.9.0.1", 9080, "http-9080")
                .build();
        io.pilot4j.model.PushContext servesReviews = new PushFixture().kube("reviews", "default").http(9080)
                .endpoint("10.1.0.1", 9080, "http-9080").build();

        assertEquals(a.narrowedFor(elsewhere), b.narrowedFor(elsewhere), "pod name, IP and metadata no generator reads must not split views");
        assertEquals(a.narrowedFor(elsewhere).hashCode(), b.narrowedFor(elsewhere).hashCode());
        assertEquals(java.util.List.of(), a.narrowedFor(elsewhere).addresses());
        assertEquals(java.util.List.of("10.1.0.1"), a.narrowedFor(servesReviews).addresses(), "an endpoint's own address shapes its inbound");
        assertNotEquals(a.narrowedFor(servesReviews), b.narrowedFor(servesReviews));
    }

    @Test
    void workloadLabelsSplitViewsOnlyWhereARuleSelectsOnThem() {
        ProxyView reviews = ProxyView.of(Proxy.fromNode("sidecar~10.1.0.1~reviews-v1-abc.default~default.svc.cluster.local",
                Map.of(), Map.of("app", "reviews", "pod-template-hash", "abc")));
        ProxyView ratings = ProxyView.of(Proxy.fromNode("sidecar~10.1.0.2~ratings-v1-xyz.default~default.svc.cluster.local",
                Map.of(), Map.of("app", "ratings", "pod-template-hash", "xyz")));
        io.pilot4j.model.PushContext noRules = new PushFixture().build();
        io.pilot4j.model.PushContext selectsOnApp = new PushFixture().istio("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: ratings, namespace: default}
                spec:
                  hosts: [ratings]
                  http: [{match: [{sourceLabels: {app: reviews}}], route: [{destination: {host: ratings}}]}]
                """).build();

        assertEquals(reviews.narrowedFor(noRules), ratings.narrowedFor(noRules), "no rule reads labels: one view");
        assertNotEquals(reviews.narrowedFor(selectsOnApp), ratings.narrowedFor(selectsOnApp),
                "a match on sourceLabels routes one workload and not the other");
        assertEquals(Map.of("app", "reviews"), reviews.narrowedFor(selectsOnApp).labels(), "only the keys a rule selects on");
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> localities() {
        Locality node = new Locality("node-region", "node-zone", "node-sub");
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("the node's locality, without labels", Map.of(), node, node),
                org.junit.jupiter.params.provider.Arguments.of("topology labels win over the node's", Map.of(
                        "topology.kubernetes.io/region", "r", "topology.kubernetes.io/zone", "z"), node, new Locality("r", "z", "")),
                org.junit.jupiter.params.provider.Arguments.of("the locality label, with slashes",
                        Map.of("topology.istio.io/locality", "r/z/s"), node, new Locality("r", "z", "s")),
                org.junit.jupiter.params.provider.Arguments.of("the locality label, with dots as a label value needs",
                        Map.of("topology.istio.io/locality", "r.z"), node, new Locality("r", "z", "")),
                org.junit.jupiter.params.provider.Arguments.of("the legacy istio-locality label",
                        Map.of("istio-locality", "r.z.s"), Locality.NONE, new Locality("r", "z", "s")),
                org.junit.jupiter.params.provider.Arguments.of("nothing at all", Map.of(), Locality.NONE, Locality.NONE));
    }

    /** Istio's setTopologyLabels: where a proxy's locality comes from. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("localities")
    void localityFromLabelsElseTheNode(String name, Map<String, String> labels, Locality node, Locality expected) {
        Proxy proxy = Proxy.fromNode("sidecar~10.1.0.1~app-1.default~default.svc.cluster.local", Map.of(), labels, node);
        assertEquals(expected, proxy.locality());
        assertEquals(expected, ProxyView.of(proxy).locality());
        if (!expected.zone().isEmpty()) {
            assertEquals(expected.zone(), proxy.labels().get(Locality.ZONE_LABEL), "the locality's topology labels join the proxy's");
        }
    }

    @Test
    void localitySplitsViewsOnlyWhereLocalityLoadBalancingApplies() {
        ProxyView a = Proxies.sidecar("default", Map.of(), new Locality("us-east", "a", ""));
        ProxyView b = Proxies.sidecar("default", Map.of(), new Locality("us-east", "b", ""));
        io.pilot4j.model.PushContext noRules = new PushFixture().build();
        io.pilot4j.model.PushContext outlierDetection = new PushFixture().istio("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: ratings, namespace: default}
                spec:
                  host: ratings
                  trafficPolicy: {outlierDetection: {consecutive5xxErrors: 3}}
                """).build();

        assertEquals(a.narrowedFor(noRules), b.narrowedFor(noRules), "no locality load balancing: one view");
        assertEquals(Locality.NONE, a.narrowedFor(noRules).locality());
        assertNotEquals(a.narrowedFor(outlierDetection), b.narrowedFor(outlierDetection),
                "outlier detection turns on the mesh's default failover, which reads the locality");
    }

    @Test
    void whatGeneratorsReadSplitsViews() {
        ProxyView plain = Proxies.sidecar("default");

        assertNotEquals(plain, Proxies.sidecar("other"), "namespace: exportTo and short names");
        assertNotEquals(plain, Proxies.sidecar("default", Map.of("INTERCEPTION_MODE", "NONE")), "listeners bind or not");
        assertNotEquals(plain, Proxies.sidecar("default", Map.of("UNPRIVILEGED_POD", "true")), "ports below 1024");
        assertNotEquals(plain, Proxies.sidecar("default", Map.of("ENVOY_STATUS_PORT", "15021")), "reserved ports");
        assertNotEquals(plain, Proxies.router("default"), "node type");
        assertNotEquals(plain, Proxies.grpc("default"), "GENERATOR=grpc");
        assertNotEquals(plain, ProxyView.of(Proxy.fromNode("sidecar~fd00::1~app-1.default~default.svc.cluster.local", Map.of(), Map.of())),
                "an IPv6-only proxy resolves DNS clusters over IPv6");
    }

    @Test
    void metadataIsReadAsIstioReadsIt() {
        ProxyView view = Proxies.sidecar("default", Map.of("INTERCEPTION_MODE", "TPROXY", "UNPRIVILEGED_POD", "T",
                "ENVOY_STATUS_PORT", " 15021 ", "ENVOY_PROMETHEUS_PORT", "not-a-port"));

        assertEquals(InterceptionMode.TPROXY, view.interceptionMode());
        assertTrue(view.unprivileged(), "Go's ParseBool accepts T");
        assertEquals(Set.of(15021), view.reservedPorts());
        assertEquals(InterceptionMode.REDIRECT, Proxies.sidecar("default", Map.of("INTERCEPTION_MODE", "redirect")).interceptionMode(),
                "unknown values are REDIRECT");
        assertFalse(Proxies.sidecar("default", Map.of("UNPRIVILEGED_POD", "yes")).unprivileged());
    }

    @Test
    void proxylessGrpcWinsOverTheNodeType() {
        ProxyView grpcRouter = ProxyView.of(Proxy.fromNode("router~10.0.0.9~gw.default~default.svc.cluster.local",
                Map.of(Proxy.GENERATOR, "grpc"), Map.of()));

        assertEquals(ProxyView.Flavour.PROXYLESS_GRPC, grpcRouter.flavour());
        assertEquals(ProxyView.Flavour.ROUTER, Proxies.router("istio-system").flavour());
    }
}
