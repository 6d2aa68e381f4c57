package io.pilot4j.translate.listener;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.grpc_stats.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsResource;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListenerGeneratorTest {
    private final ListenerGenerator lds = new ListenerGenerator();
    private final ProxyView sidecar = Proxies.sidecar("default");
    private final ProxyView localEnvoy = Proxies.sidecar("default", Map.of("INTERCEPTION_MODE", "NONE"));

    private List<Listener> listeners(ProxyView proxy, PushContext push) {
        return lds.generate(proxy, push, ResourceNames.all()).stream().map(r -> (Listener) r.resource()).toList();
    }

    private static List<String> names(List<Listener> listeners) {
        return listeners.stream().map(Listener::getName).toList();
    }

    private static Listener named(List<Listener> listeners, String name) {
        return listeners.stream().filter(l -> l.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no listener " + name + " in " + names(listeners)));
    }

    static Filter onlyFilter(Listener l) {
        assertEquals(1, l.getFilterChainsCount(), l.getName());
        assertEquals(1, l.getFilterChains(0).getFiltersCount(), l.getName());
        return l.getFilterChains(0).getFilters(0);
    }

    static TcpProxy tcpProxy(Filter f) throws InvalidProtocolBufferException {
        assertEquals("envoy.filters.network.tcp_proxy", f.getName());
        return f.getTypedConfig().unpack(TcpProxy.class);
    }

    private static PushContext mixed() {
        return new PushFixture()
                .kube("reviews", "default").http(9080).vip("10.96.0.10").and()
                .kube("ratings", "default").http(9080).grpc(9090).vip("10.96.0.11").and()
                .kube("mysql", "db").tcp(3306).vip("10.96.0.20").and()
                .host("legacy.example.com", "default").tcp(3306).and()
                .build();
    }

    @Test
    void aPortWithoutProtocolOnAVipIsSniffedHttpFirstThenItsTcpChain() throws Exception {
        PushContext push = new PushFixture()
                .kube("legacy", "default").port("", 7000, Protocol.UNSUPPORTED).vip("10.96.0.40").and()
                .host("novip.example.com", "default").port("", 7001, Protocol.UNSUPPORTED).and()
                .build();
        List<Listener> all = listeners(sidecar, push);
        Listener sniffed = named(all, "10.96.0.40_7000");

        assertEquals(2, sniffed.getFilterChainsCount());
        assertEquals("raw_buffer", sniffed.getFilterChains(0).getFilterChainMatch().getTransportProtocol());
        assertEquals(0, sniffed.getFilterChains(0).getFilterChainMatch().getApplicationProtocolsCount());
        assertEquals("outbound|7000||legacy.default.svc.cluster.local", tcpProxy(sniffed.getFilterChains(0).getFilters(0)).getCluster());
        assertEquals("raw_buffer", sniffed.getFilterChains(1).getFilterChainMatch().getTransportProtocol());
        assertEquals(ProtocolSniffing.HTTP_PROTOCOLS, sniffed.getFilterChains(1).getFilterChainMatch().getApplicationProtocolsList());
        HttpConnectionManager hcm = sniffed.getFilterChains(1).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
        assertEquals("legacy.default.svc.cluster.local:7000", hcm.getRds().getRouteConfigName());
        assertEquals(List.of(ProtocolSniffing.HTTP_INSPECTOR), sniffed.getListenerFiltersList().stream().map(f -> f.getName()).toList());
        Listener wildcard = named(all, "0.0.0.0_7001");
        assertEquals("outbound|7001||novip.example.com", tcpProxy(onlyFilter(wildcard)).getCluster(), "without a VIP it stays TCP");
        assertEquals(0, wildcard.getListenerFiltersCount());
    }

    @Test
    void sidecarGetsVirtualOutboundAndVirtualInboundThenPortListenersInPortOrder() {
        assertEquals(List.of("virtualOutbound", "virtualInbound", "0.0.0.0_3306", "10.96.0.20_3306", "0.0.0.0_9080", "0.0.0.0_9090"),
                names(listeners(sidecar, mixed())));
    }

    @Test
    void virtualOutboundPassesThroughUnderAllowAny() throws Exception {
        Listener vo = named(listeners(sidecar, mixed()), "virtualOutbound");

        assertEquals("0.0.0.0", vo.getAddress().getSocketAddress().getAddress());
        assertEquals(15001, vo.getAddress().getSocketAddress().getPortValue());
        assertEquals(BoolValue.of(true), vo.getUseOriginalDst());
        assertEquals(TrafficDirection.OUTBOUND, vo.getTrafficDirection());
        assertEquals(List.of("virtualOutbound-blackhole", "virtualOutbound-catchall-tcp"),
                vo.getFilterChainsList().stream().map(c -> c.getName()).toList());
        // The loop guard: traffic addressed to 15001 itself is dropped.
        assertEquals(15001, vo.getFilterChains(0).getFilterChainMatch().getDestinationPort().getValue());
        assertEquals("BlackHoleCluster", tcpProxy(vo.getFilterChains(0).getFilters(0)).getCluster());
        TcpProxy catchAll = tcpProxy(vo.getFilterChains(1).getFilters(0));
        assertEquals(TcpProxy.newBuilder().setStatPrefix("PassthroughCluster").setCluster("PassthroughCluster").build(), catchAll);
        assertFalse(vo.getFilterChains(1).hasFilterChainMatch());
    }

    @Test
    void virtualOutboundIsTransparentOnlyUnderTproxy() {
        ProxyView tproxy = Proxies.sidecar("default", Map.of("INTERCEPTION_MODE", "TPROXY"));

        assertEquals(BoolValue.of(true), named(listeners(tproxy, mixed()), "virtualOutbound").getTransparent());
        assertFalse(named(listeners(sidecar, mixed()), "virtualOutbound").hasTransparent());
    }

    @Test
    void virtualOutboundBlackholesUnderRegistryOnly() throws Exception {
        PushContext push = new PushFixture().mesh(PushFixture.registryOnly()).kube("reviews", "default").http(9080).build();

        Listener vo = named(listeners(sidecar, push), "virtualOutbound");

        assertEquals(TcpProxy.newBuilder().setStatPrefix("BlackHoleCluster").setCluster("BlackHoleCluster").build(),
                tcpProxy(vo.getFilterChains(1).getFilters(0)));
    }

    @Test
    void httpPortListenerSendsToRdsRouteNamedAfterThePort() throws Exception {
        Listener l = named(listeners(sidecar, mixed()), "0.0.0.0_9080");

        assertEquals("0.0.0.0", l.getAddress().getSocketAddress().getAddress());
        assertEquals(9080, l.getAddress().getSocketAddress().getPortValue());
        assertEquals(BoolValue.of(false), l.getBindToPort());
        assertEquals(TrafficDirection.OUTBOUND, l.getTrafficDirection());
        Filter f = onlyFilter(l);
        assertEquals("envoy.filters.network.http_connection_manager", f.getName());
        HttpConnectionManager hcm = f.getTypedConfig().unpack(HttpConnectionManager.class);
        assertEquals("outbound_0.0.0.0_9080", hcm.getStatPrefix());
        assertEquals(HttpConnectionManager.CodecType.AUTO, hcm.getCodecType());
        assertEquals("9080", hcm.getRds().getRouteConfigName());
        assertEquals(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
                .setInitialFetchTimeout(Durations.ZERO).setResourceApiVersion(ApiVersion.V3).build(),
                hcm.getRds().getConfigSource());
        // Istio's chain: gRPC stats by status, fault and CORS, empty until a route configures them, then the router.
        assertEquals(List.of("envoy.filters.http.grpc_stats", "envoy.filters.http.fault", "envoy.filters.http.cors", "envoy.filters.http.router"),
                hcm.getHttpFiltersList().stream().map(HttpFilter::getName).toList());
        assertEquals(Any.pack(FilterConfig.newBuilder().setEmitFilterState(true).setStatsForAllMethods(BoolValue.of(false)).build()),
                hcm.getHttpFilters(0).getTypedConfig());
        assertEquals(Any.pack(HTTPFault.getDefaultInstance()), hcm.getHttpFilters(1).getTypedConfig());
        assertEquals(Any.pack(Cors.getDefaultInstance()), hcm.getHttpFilters(2).getTypedConfig());
        assertEquals(Any.pack(Router.getDefaultInstance()), hcm.getHttpFilters(3).getTypedConfig());
    }

    @Test
    void tcpPortWithVipListensOnTheVip() throws Exception {
        Listener l = named(listeners(sidecar, mixed()), "10.96.0.20_3306");

        assertEquals("10.96.0.20", l.getAddress().getSocketAddress().getAddress());
        assertEquals(BoolValue.of(false), l.getBindToPort());
        assertEquals(TcpProxy.newBuilder().setStatPrefix("outbound|3306||mysql.db.svc.cluster.local")
                .setCluster("outbound|3306||mysql.db.svc.cluster.local").build(), tcpProxy(onlyFilter(l)));
    }

    @Test
    void aTcpServiceWithSeveralAddressesListensOnEachButNotOnACidr() throws Exception {
        PushContext push = new PushFixture().host("db.example.com", "default").tcp(5432)
                .vip("240.0.0.1").vip("240.0.0.2").vip("10.10.0.0/16").and().build();

        List<Listener> all = listeners(sidecar, push);

        assertEquals(List.of("virtualOutbound", "virtualInbound", "240.0.0.1_5432", "240.0.0.2_5432"), names(all));
        assertEquals("outbound|5432||db.example.com", tcpProxy(onlyFilter(named(all, "240.0.0.2_5432"))).getCluster());
    }

    @Test
    void tcpPortWithoutVipTakesTheWildcardAddress() throws Exception {
        Listener l = named(listeners(sidecar, mixed()), "0.0.0.0_3306");

        assertEquals("outbound|3306||legacy.example.com", tcpProxy(onlyFilter(l)).getCluster());
    }

    @Test
    void httpOwnsItsWildcardPortAndTheFirstTcpServiceByHostnameWinsTheRest() throws Exception {
        PushContext push = new PushFixture()
                .host("z-web.example.com", "default").http(8080).and()
                .host("a-tcp.example.com", "default").tcp(8080).and()      // loses to HTTP despite sorting first
                .host("b-tcp.example.com", "default").tcp(7000).and()
                .host("c-tcp.example.com", "default").tcp(7000).and()      // loses to b
                .kube("shared-a", "default").tcp(6000).vip("10.96.1.1").and()
                .kube("shared-b", "default").tcp(6000).vip("10.96.1.1").and()  // same VIP:port, loses to shared-a
                .build();

        List<Listener> out = listeners(sidecar, push);

        assertEquals(List.of("virtualOutbound", "virtualInbound", "10.96.1.1_6000", "0.0.0.0_7000", "0.0.0.0_8080"), names(out));
        assertEquals("outbound|7000||b-tcp.example.com", tcpProxy(onlyFilter(named(out, "0.0.0.0_7000"))).getCluster());
        assertEquals("outbound|6000||shared-a.default.svc.cluster.local",
                tcpProxy(onlyFilter(named(out, "10.96.1.1_6000"))).getCluster());
        assertEquals("envoy.filters.network.http_connection_manager", onlyFilter(named(out, "0.0.0.0_8080")).getName());
    }

    @Test
    void namesAndAddressesAreUniqueEvenWithCollidingServices() {
        PushContext push = new PushFixture()
                .host("a.example.com", "default").http(80).tcp(443).and()
                .host("b.example.com", "default").http(80).tcp(443).and()
                .kube("c", "default").http(80).tcp(443).vip("10.96.0.1").and()
                .kube("d", "default").port("redis", 443, Protocol.REDIS).vip("10.96.0.1").and()
                .build();

        for (ProxyView proxy : List.of(sidecar, localEnvoy)) {
            List<Listener> out = listeners(proxy, push);
            Set<String> addresses = new HashSet<>();
            for (Listener l : out) {
                String address = l.getAddress().getSocketAddress().getAddress() + ":" + l.getAddress().getSocketAddress().getPortValue();
                assertTrue(addresses.add(address), "duplicate address " + address + " in " + names(out));
            }
            assertEquals(out.size(), new HashSet<>(names(out)).size(), names(out).toString());
        }
    }

    @Test
    void interceptionNoneBindsEveryPortOnLocalhostWithoutVirtualOutbound() throws Exception {
        List<Listener> out = listeners(localEnvoy, mixed());

        assertEquals(List.of("127.0.0.1_3306", "127.0.0.1_9080", "127.0.0.1_9090"), names(out));
        for (Listener l : out) {
            assertEquals("127.0.0.1", l.getAddress().getSocketAddress().getAddress(), l.getName());
            assertEquals(BoolValue.of(true), l.getBindToPort(), l.getName());
        }
        // The VIP listener folds into localhost: the first TCP service by hostname keeps the port.
        assertEquals("outbound|3306||legacy.example.com", tcpProxy(onlyFilter(named(out, "127.0.0.1_3306"))).getCluster());
        HttpConnectionManager hcm = onlyFilter(named(out, "127.0.0.1_9080")).getTypedConfig().unpack(HttpConnectionManager.class);
        assertEquals("outbound_127.0.0.1_9080", hcm.getStatPrefix());
        assertEquals("9080", hcm.getRds().getRouteConfigName());
    }

    @Test
    void interceptionNoneBindsTcpServicesOnTheirLoopbackVips() throws Exception {
        PushContext push = new PushFixture()
                .kube("mysql-a", "db").tcp(3306).vip("127.0.0.2").and()
                .kube("mysql-b", "db").tcp(3306).vip("127.0.0.3").and()
                .kube("mysql-c", "db").tcp(3306).vip("10.96.0.20").and()   // unreachable without capture: 127.0.0.1
                .kube("mysql-v6", "db").tcp(3306).vip("::1").and()
                .kube("web", "default").http(8080).vip("127.0.0.4").and()   // HTTP shares its port listener by Host
                .build();

        List<Listener> out = listeners(localEnvoy, push);

        assertEquals(List.of("127.0.0.1_3306", "127.0.0.2_3306", "127.0.0.3_3306", "::1_3306", "127.0.0.1_8080"), names(out));
        Map<String, String> clusters = Map.of(
                "127.0.0.1_3306", "outbound|3306||mysql-c.db.svc.cluster.local",
                "127.0.0.2_3306", "outbound|3306||mysql-a.db.svc.cluster.local",
                "127.0.0.3_3306", "outbound|3306||mysql-b.db.svc.cluster.local",
                "::1_3306", "outbound|3306||mysql-v6.db.svc.cluster.local");
        for (var e : clusters.entrySet()) {
            Listener l = named(out, e.getKey());
            assertEquals(BoolValue.of(true), l.getBindToPort(), l.getName());
            assertEquals(e.getKey().substring(0, e.getKey().lastIndexOf('_')), l.getAddress().getSocketAddress().getAddress());
            assertEquals(e.getValue(), tcpProxy(onlyFilter(l)).getCluster(), l.getName());
        }
        // With capture the same services keep Istio's VIP listeners, which bind nothing.
        assertEquals(List.of("virtualOutbound", "virtualInbound", "10.96.0.20_3306", "127.0.0.2_3306", "127.0.0.3_3306", "::1_3306", "0.0.0.0_8080"),
                names(listeners(sidecar, push)));
    }

    @Test
    void wildcardListenersStayOffPortsEnvoyAlreadyServes() {
        PushContext push = new PushFixture()
                .host("a.example.com", "default").http(15001).tcp(15006).http(15021).http(15090).http(80).and()
                .kube("b", "default").tcp(15001).vip("10.96.0.5").build();
        ProxyView withStatusPorts = Proxies.sidecar("default", Map.of("ENVOY_STATUS_PORT", "15021", "ENVOY_PROMETHEUS_PORT", "15090"));

        assertEquals(List.of("virtualOutbound", "virtualInbound", "0.0.0.0_80", "10.96.0.5_15001"), names(listeners(withStatusPorts, push)));
    }

    @Test
    void unprivilegedLocalEnvoySkipsPrivilegedPorts() {
        PushContext push = new PushFixture().host("a.example.com", "default").http(80).http(8080).build();
        ProxyView unprivileged = Proxies.sidecar("default", Map.of("INTERCEPTION_MODE", "NONE", "UNPRIVILEGED_POD", "true"));

        assertEquals(List.of("127.0.0.1_8080"), names(listeners(unprivileged, push)));
        assertEquals(List.of("127.0.0.1_80", "127.0.0.1_8080"), names(listeners(localEnvoy, push)));
    }

    @Test
    void udpPortsGetNoListener() {
        PushContext push = new PushFixture().kube("dns", "kube-system").port("dns", 53, Protocol.UDP).vip("10.96.0.53").build();

        assertEquals(List.of("virtualOutbound", "virtualInbound"), names(listeners(sidecar, push)));
    }

    @Test
    void serviceExportedToItsOwnNamespaceOnlyIsInvisibleElsewhere() {
        PushContext push = new PushFixture().kube("internal", "team").http(8080).exportTo(".").build();

        assertEquals(List.of("virtualOutbound", "virtualInbound"), names(listeners(sidecar, push)));
        assertEquals(List.of("virtualOutbound", "virtualInbound", "0.0.0.0_8080"), names(listeners(Proxies.sidecar("team"), push)));
    }

    @Test
    void namedRequestReturnsOnlyThoseListeners() {
        List<XdsResource> out = lds.generate(sidecar, mixed(), ResourceNames.of("0.0.0.0_9080", "nope"));

        assertEquals(List.of("0.0.0.0_9080"), out.stream().map(XdsResource::name).toList());
    }
}
