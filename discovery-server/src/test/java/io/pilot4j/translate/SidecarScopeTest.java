package io.pilot4j.translate;

import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushContext;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.pilot4j.translate.cluster.CatchAllClusters;
import io.pilot4j.translate.cluster.ClusterGenerator;
import io.pilot4j.translate.listener.ListenerGenerator;
import io.pilot4j.translate.listener.TcpProxyFilter;
import io.pilot4j.translate.route.RouteGenerator;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A Sidecar's egress hosts limit what its proxies are sent, as Istio's sidecar scope does. */
class SidecarScopeTest {
    private static final String SIDECARS = """
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: default, namespace: istio-system}
            spec:
              egress: [{hosts: ["./*", "istio-system/*"]}]
            ---
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: reporting, namespace: shop}
            spec:
              workloadSelector: {labels: {app: reporting}}
              egress: [{hosts: ["db/mysql.db.svc.cluster.local", "./*"]}]
            ---
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: open, namespace: open}
            spec:
              egress: [{hosts: ["*/*"]}]
              outboundTrafficPolicy: {mode: REGISTRY_ONLY}
            """;

    private static PushContext push() {
        return new PushFixture()
                .kube("cart", "shop").http(8080).and()
                .kube("mysql", "db").tcp(3306).and()
                .kube("redis", "db").tcp(6379).and()
                .kube("istiod", "istio-system").grpc(15010).and()
                .istio(SIDECARS).build();
    }

    private static ProxyView sidecar(String namespace, Map<String, String> labels) {
        return ProxyView.of(Proxy.fromNode("sidecar~10.0.0.1~app-1." + namespace + "~" + namespace + ".svc.cluster.local", Map.of(), labels));
    }

    private static List<String> clusters(ProxyView proxy) {
        return new ClusterGenerator().generate(proxy, push(), ResourceNames.all()).stream().map(XdsResource::name)
                .filter(n -> n.startsWith("outbound")).toList();
    }

    @Test
    void theRootNamespaceSidecarLimitsEveryNamespaceWithoutItsOwn() {
        assertEquals(List.of("outbound|8080||cart.shop.svc.cluster.local", "outbound|15010||istiod.istio-system.svc.cluster.local"),
                clusters(sidecar("shop", Map.of("app", "cart"))));
    }

    @Test
    void sidecarsDoNotScopeRouters() {
        // Istio's gateways get the default scope: the root namespace's Sidecar (istio-system, the router's own) and
        // a workload selector matching its labels change nothing.
        ProxyView router = ProxyView.of(Proxy.fromNode("router~10.0.0.2~gateway-1.istio-system~istio-system.svc.cluster.local",
                Map.of(), Map.of("app", "reporting")));

        assertEquals(List.of("outbound|8080||cart.shop.svc.cluster.local", "outbound|15010||istiod.istio-system.svc.cluster.local",
                "outbound|3306||mysql.db.svc.cluster.local", "outbound|6379||redis.db.svc.cluster.local"), clusters(router));
        assertEquals(java.util.Optional.empty(), router.sidecar(push()));
    }

    @Test
    void aWorkloadSelectorWinsOverTheDefault() {
        assertEquals(List.of("outbound|8080||cart.shop.svc.cluster.local", "outbound|3306||mysql.db.svc.cluster.local"),
                clusters(sidecar("shop", Map.of("app", "reporting"))));
    }

    @Test
    void aNamespaceSidecarWinsOverTheRootOne() {
        assertEquals(List.of("outbound|8080||cart.shop.svc.cluster.local", "outbound|15010||istiod.istio-system.svc.cluster.local",
                "outbound|3306||mysql.db.svc.cluster.local", "outbound|6379||redis.db.svc.cluster.local"), clusters(sidecar("open", Map.of())));
    }

    @Test
    void theSidecarsOutboundTrafficPolicyOverridesTheMeshs() {
        RouteConfiguration open = (RouteConfiguration) new RouteGenerator().generate(sidecar("open", Map.of()), push(),
                ResourceNames.of("8080")).get(0).resource();
        RouteConfiguration shop = (RouteConfiguration) new RouteGenerator().generate(sidecar("shop", Map.of()), push(),
                ResourceNames.of("8080")).get(0).resource();
        assertEquals("block_all", open.getVirtualHosts(open.getVirtualHostsCount() - 1).getName());
        assertEquals("allow_any", shop.getVirtualHosts(shop.getVirtualHostsCount() - 1).getName(), "the mesh's ALLOW_ANY");
        Listener virtualOutbound = (Listener) new ListenerGenerator().generate(sidecar("open", Map.of()), push(),
                ResourceNames.of("virtualOutbound")).get(0).resource();
        assertEquals(TcpProxyFilter.to(CatchAllClusters.BLACKHOLE), virtualOutbound.getFilterChains(1).getFilters(0));
    }

    @Test
    void routesFollowTheScopeToo() {
        RouteConfiguration rc = (RouteConfiguration) new RouteGenerator().generate(sidecar("db", Map.of()), push(), ResourceNames.of("8080"))
                .get(0).resource();
        assertEquals(List.of("allow_any"), rc.getVirtualHostsList().stream().map(VirtualHost::getName).toList(),
                "cart.shop is outside the db namespace's scope");
    }
}
