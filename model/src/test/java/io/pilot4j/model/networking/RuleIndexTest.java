package io.pilot4j.model.networking;

import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RuleIndexTest {
    private static final String REVIEWS = "reviews.bookinfo.svc.cluster.local";

    private static ConfigMeta meta(String namespace, String name, int second) {
        return new ConfigMeta(namespace, name, Instant.ofEpochSecond(second));
    }

    private static VirtualService vs(ConfigMeta meta, List<String> hosts, List<String> exportTo, List<String> gateways, String subset) {
        HttpRoute route = new HttpRoute("", List.of(), List.of(new HttpRouteDestination(new Destination(REVIEWS, subset, 0), 0, null)),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), Optional.empty(), null);
        return new VirtualService(meta, hosts, gateways, exportTo, List.of(route), List.of(), List.of());
    }

    private static DestinationRule dr(ConfigMeta meta, String host, List<String> exportTo, String... subsets) {
        return new DestinationRule(meta, host, exportTo, TrafficPolicy.NONE,
                java.util.Arrays.stream(subsets).map(s -> new DestinationRule.Subset(s, Map.of("version", s), Optional.empty())).toList(),
                Map.of());
    }

    private static RuleIndex index(List<VirtualService> vs, List<DestinationRule> dr) {
        return new RuleIndex(MeshConfig.defaults(), TrafficRules.of(vs, dr, List.of(), List.of()));
    }

    @Test
    void theOldestVisibleVirtualServiceForAHostWins() {
        VirtualService newer = vs(meta("bookinfo", "a-newer", 20), List.of(REVIEWS), List.of(), List.of(), "v2");
        VirtualService older = vs(meta("bookinfo", "z-older", 10), List.of("*.bookinfo.svc.cluster.local"), List.of(), List.of(), "v1");
        VirtualService privateElsewhere = vs(meta("other", "private", 1), List.of(REVIEWS), List.of("."), List.of(), "v3");
        VirtualService gatewayOnly = vs(meta("bookinfo", "gw", 0), List.of(REVIEWS), List.of(), List.of("bookinfo/gw"), "v3");
        RuleIndex index = index(List.of(newer, older, privateElsewhere, gatewayOnly), List.of());

        assertEquals(Optional.of(older), index.virtualServiceForHost("bookinfo", REVIEWS));
        assertEquals(Optional.of(privateElsewhere), index.virtualServiceForHost("other", REVIEWS), "visible in its own namespace");
        assertEquals(Optional.empty(), index.virtualServiceForHost("bookinfo", "ratings.other.svc.cluster.local"));
    }

    @Test
    void virtualServicesForAGatewayComePrivateThenExportedThenPublic() {
        VirtualService publicOld = vs(meta("bookinfo", "public", 0), List.of(REVIEWS), List.of("*"), List.of("istio-system/gw"), "v1");
        VirtualService exported = vs(meta("bookinfo", "exported", 5), List.of(REVIEWS), List.of("istio-system"), List.of("istio-system/gw"), "v1");
        VirtualService privateNew = vs(meta("istio-system", "private", 10), List.of(REVIEWS), List.of("."), List.of("istio-system/gw"), "v1");
        VirtualService hidden = vs(meta("bookinfo", "hidden", 1), List.of(REVIEWS), List.of("."), List.of("istio-system/gw"), "v1");
        VirtualService mesh = vs(meta("istio-system", "mesh", 1), List.of(REVIEWS), List.of(), List.of(), "v1");
        VirtualService otherGateway = vs(meta("istio-system", "other", 1), List.of(REVIEWS), List.of(), List.of("istio-system/egress"), "v1");
        RuleIndex index = index(List.of(publicOld, exported, privateNew, hidden, mesh, otherGateway), List.of());

        assertEquals(List.of(privateNew, exported, publicOld), index.virtualServicesForGateway("istio-system", "istio-system/gw"));
        assertEquals(List.of(hidden, publicOld), index.virtualServicesForGateway("bookinfo", "istio-system/gw"));
    }

    @Test
    void gatewaysSelectRoutersByLabelsAcrossNamespacesAndAddTheirKeysToTheView() {
        Gateway.Server http = new Gateway.Server("", 8080, "http", "HTTP", 0, List.of("*"), "", Optional.empty());
        Gateway ingress = new Gateway(meta("istio-system", "ingress", 0), Map.of("istio", "ingressgateway"), List.of(http));
        Gateway shop = new Gateway(meta("shop", "shop", 1), Map.of("istio", "ingressgateway", "team", "shop"),
                List.of(new Gateway.Server("", 8080, "http-shop", "HTTP", 0, List.of("shop/*"), "", Optional.empty())));
        Gateway everyone = new Gateway(meta("default", "any", 2), Map.of(),
                List.of(new Gateway.Server("", 9000, "tcp", "TCP", 0, List.of("*"), "", Optional.empty())));
        RuleIndex index = new RuleIndex(MeshConfig.defaults(), TrafficRules.of(List.of(), List.of(), List.of(), List.of(ingress, shop, everyone)));

        MergedGateway merged = index.mergedGateway(Map.of("istio", "ingressgateway", "team", "shop"));
        assertEquals(List.of(8080, 9000), merged.ports().stream().map(MergedGateway.ServerPort::number).toList());
        assertEquals(List.of("istio-system/ingress", "shop/shop"),
                merged.ports().get(0).servers().stream().map(MergedGateway.GatewayServer::gatewayName).toList());
        assertEquals(List.of("http.8080"), List.copyOf(merged.routeNames()));
        assertEquals(List.of("default/any"), index.mergedGateway(Map.of("istio", "egressgateway")).ports().get(0).servers().stream()
                .map(MergedGateway.GatewayServer::gatewayName).toList());
        assertEquals(java.util.Set.of("istio", "team"), index.workloadLabelKeys());
    }

    @Test
    void destinationRulesAreLookedUpInTheProxyThenServiceThenRootNamespace() {
        DestinationRule root = dr(meta("istio-system", "root", 0), "*.svc.cluster.local", List.of(), "root");
        DestinationRule service = dr(meta("bookinfo", "svc", 0), REVIEWS, List.of(), "v1");
        DestinationRule serviceMerged = dr(meta("bookinfo", "svc-more", 5), REVIEWS, List.of(), "v1", "v2");
        DestinationRule proxyLocal = dr(meta("client", "local", 0), REVIEWS, List.of("."), "local");
        DestinationRule hidden = dr(meta("bookinfo", "hidden", 0), "*.bookinfo.svc.cluster.local", List.of("."), "hidden");
        RuleIndex index = index(List.of(), List.of(root, service, serviceMerged, proxyLocal, hidden));

        assertEquals("local", index.destinationRule("client", "bookinfo", REVIEWS).orElseThrow().subsets().get(0).name());
        DestinationRule merged = index.destinationRule("elsewhere", "bookinfo", REVIEWS).orElseThrow();
        assertEquals(service.meta(), merged.meta(), "the oldest rule of a host leads the merge");
        assertEquals(List.of("v1", "v2"), merged.subsets().stream().map(DestinationRule.Subset::name).toList());
        assertEquals("root", index.destinationRule("elsewhere", "bookinfo", "details.bookinfo.svc.cluster.local")
                .orElseThrow().meta().name(), "the bookinfo wildcard rule is private, so the root namespace's applies");
        assertEquals("hidden", index.destinationRule("bookinfo", "bookinfo", "details.bookinfo.svc.cluster.local")
                .orElseThrow().meta().name());
    }

    @Test
    void aWorkloadSelectorRuleAppliesToTheWorkloadsItSelectsInItsNamespaceOnly() {
        DestinationRule plain = dr(meta("bookinfo", "plain", 0), REVIEWS, List.of(), "v1");
        DestinationRule canary = new DestinationRule(meta("bookinfo", "canary", 1), REVIEWS, List.of(), TrafficPolicy.NONE,
                List.of(new DestinationRule.Subset("canary", Map.of("track", "canary"), Optional.empty())), Map.of("app", "productpage"));
        RuleIndex index = index(List.of(), List.of(plain, canary));

        assertEquals("canary", index.destinationRule("bookinfo", Map.of("app", "productpage"), "bookinfo", REVIEWS).orElseThrow().meta().name());
        assertEquals("plain", index.destinationRule("bookinfo", Map.of("app", "ratings"), "bookinfo", REVIEWS).orElseThrow().meta().name());
        assertEquals("plain", index.destinationRule("other", Map.of("app", "productpage"), "bookinfo", REVIEWS).orElseThrow().meta().name(),
                "not across namespaces");
        assertEquals(java.util.Set.of("app"), index.workloadLabelKeys());
    }

    @Test
    void analysisReportsRoutesToUndefinedSubsets() {
        VirtualService vs = vs(meta("bookinfo", "reviews", 0), List.of(REVIEWS), List.of(), List.of(), "v3");
        RuleIndex index = index(List.of(vs), List.of(dr(meta("bookinfo", "reviews", 0), REVIEWS, List.of(), "v1", "v2")));
        Service reviews = new Service(REVIEWS, "bookinfo", List.of(new ServicePort("http", 9080, Protocol.HTTP)), Map.of(), List.of(),
                Resolution.CLIENT_SIDE_LB, false, java.util.Set.of());
        List<ConfigError> errors = RuleAnalysis.analyze(index, Map.of(REVIEWS, reviews));
        assertEquals(List.of(new ConfigError("analysis", -1, "VirtualService", "bookinfo", "reviews",
                "spec.http[0].route[0].destination.subset: subset \"v3\" of host reviews.bookinfo.svc.cluster.local is not defined"
                        + " (DestinationRule bookinfo/reviews has no subset \"v3\"); the route still applies and its requests to that"
                        + " subset fail, as in Istio")), errors);
    }

    @Test
    void analysisReportsMeshHostsThatNameNoService() {
        Service reviews = new Service(REVIEWS, "bookinfo", List.of(new ServicePort("http", 9080, Protocol.HTTP)), Map.of(), List.of(),
                Resolution.CLIENT_SIDE_LB, false, java.util.Set.of());
        VirtualService mesh = vs(meta("bookinfo", "mesh", 0), List.of(REVIEWS, "*.bookinfo.svc.cluster.local", "api.example.com"),
                List.of(), List.of(), "");
        VirtualService gateway = vs(meta("bookinfo", "edge", 0), List.of("www.example.com"), List.of(), List.of("bookinfo/gw"), "");
        RuleIndex index = index(List.of(mesh, gateway), List.of());
        assertEquals(List.of(new ConfigError("analysis", -1, "VirtualService", "bookinfo", "mesh",
                "spec.hosts[2]: \"api.example.com\" names no service: sidecars and gRPC clients get no routes for it (pilot4j "
                        + "routes the hosts of services only); declare it with a ServiceEntry")),
                RuleAnalysis.analyze(index, Map.of(REVIEWS, reviews)), "a gateway's hosts need no service");
    }
}
