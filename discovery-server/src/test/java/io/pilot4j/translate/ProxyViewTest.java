package io.pilot4j.translate;

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
    void podsOfOneWorkloadShareAView() {
        ProxyView a = ProxyView.of(Proxy.fromNode("sidecar~10.1.0.1~reviews-v1-abc.default~default.svc.cluster.local",
                Map.of("ISTIO_VERSION", "1.24.0", "CLUSTER_ID", "Kubernetes"), Map.of("app", "reviews")));
        ProxyView b = ProxyView.of(Proxy.fromNode("sidecar~10.1.0.2~reviews-v1-xyz.default~default.svc.cluster.local",
                Map.of("ISTIO_VERSION", "1.25.1"), Map.of("app", "reviews")));

        assertEquals(a, b, "pod name, IP and metadata no generator reads must not split views");
        assertEquals(a.hashCode(), b.hashCode());
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
