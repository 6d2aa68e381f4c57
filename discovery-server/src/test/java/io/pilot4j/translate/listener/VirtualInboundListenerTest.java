package io.pilot4j.translate.listener;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilterChainMatchPredicate;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.listener.original_src.v3.OriginalSrc;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Istio's virtualInbound for the workload a sidecar fronts: which chains, matched how, to which cluster and routes. */
class VirtualInboundListenerTest {
    private static final String POD = "10.1.0.2";
    private static final ProxyView SIDECAR = Proxies.sidecarAt(POD, "default", Map.of());

    /** reviews on HTTP 9080 (pod port 8080) and gRPC 9090, a TCP database port, a port without protocol, DNS over UDP. */
    private static PushContext mesh() {
        return new PushFixture()
                .kube("reviews", "default").http(9080).grpc(9090).vip("10.96.0.11")
                .endpoint(POD, 8080, "http-9080").endpoint(POD, 9090, "grpc-9090").endpoint("10.1.0.3", 8080, "http-9080").and()
                .kube("cache", "default").tcp(6379).port("", 7000, Protocol.UNSUPPORTED).port("dns", 53, Protocol.UDP).vip("10.96.0.12")
                .endpoint(POD, 6379, "tcp-6379").endpoint(POD, 7000, "").endpoint(POD, 53, "dns").and()
                .kube("other", "default").http(80).endpoint("10.9.0.1", 80, "http-80").and()
                .build();
    }

    private static Listener inbound(ProxyView proxy, PushContext push) {
        return new ListenerGenerator().generate(proxy, push, ResourceNames.all()).stream()
                .map(r -> (Listener) r.resource())
                .filter(l -> l.getName().equals(VirtualInboundListener.NAME))
                .findFirst().orElseThrow(() -> new AssertionError("no virtualInbound"));
    }

    private static List<String> chainNames(Listener l) {
        return l.getFilterChainsList().stream().map(FilterChain::getName).toList();
    }

    private static List<FilterChain> chains(Listener l, int port) {
        return l.getFilterChainsList().stream().filter(c -> c.getFilterChainMatch().getDestinationPort().getValue() == port).toList();
    }

    private static HttpConnectionManager hcm(FilterChain c) throws InvalidProtocolBufferException {
        assertEquals(HttpConnectionManagers.NAME, c.getFilters(0).getName(), c.getName());
        return c.getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    }

    private static ListenerFilter listenerFilter(Listener l, String name) {
        return l.getListenerFiltersList().stream().filter(f -> f.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + l.getListenerFiltersList()));
    }

    @Test
    void chainsComeInIstiosOrderBlackholePassthroughThenOnePerTargetPort() {
        Listener l = inbound(SIDECAR, mesh());

        assertEquals(List.of("virtualInbound-blackhole", "virtualInbound-catchall-http", "virtualInbound",
                        "0.0.0.0_6379", "0.0.0.0_7000", "0.0.0.0_7000", "0.0.0.0_8080", "0.0.0.0_9090"),
                chainNames(l), "ports in order, the undeclared 7000 twice (HTTP and TCP), UDP 53 none");
        assertEquals("0.0.0.0", l.getAddress().getSocketAddress().getAddress());
        assertEquals(15006, l.getAddress().getSocketAddress().getPortValue());
        assertEquals(io.envoyproxy.envoy.config.core.v3.TrafficDirection.INBOUND, l.getTrafficDirection());
        assertTrue(l.getContinueOnListenerFiltersTimeout());
        assertEquals(VirtualInboundListener.ORIGINAL_DST, l.getListenerFilters(0).getName());
        assertFalse(l.hasTransparent(), "REDIRECT needs no transparent socket");
    }

    @Test
    void anHttpPortRoutesEverythingToItsInboundClusterNamedByTheTargetPort() throws Exception {
        List<FilterChain> chains = chains(inbound(SIDECAR, mesh()), 8080);

        assertEquals(1, chains.size());
        assertEquals("raw_buffer", chains.get(0).getFilterChainMatch().getTransportProtocol());
        assertEquals(0, chains.get(0).getFilterChainMatch().getApplicationProtocolsCount(), "a declared port is not sniffed");
        HttpConnectionManager hcm = hcm(chains.get(0));
        assertEquals("inbound_0.0.0.0_8080", hcm.getStatPrefix());
        assertFalse(hcm.hasRds(), "inbound routes are inline");
        assertFalse(hcm.getUseRemoteAddress().getValue());
        assertEquals(HttpConnectionManager.ForwardClientCertDetails.APPEND_FORWARD, hcm.getForwardClientCertDetails());
        assertEquals("istio-envoy", hcm.getServerName());
        assertFalse(hcm.hasHttp2ProtocolOptions());
        RouteConfiguration routes = hcm.getRouteConfig();
        assertEquals("inbound|8080||", routes.getName());
        assertEquals("inbound|http|9080", routes.getVirtualHosts(0).getName(), "the virtual host is named by the service port");
        assertEquals(List.of("*"), routes.getVirtualHosts(0).getDomainsList());
        Route route = routes.getVirtualHosts(0).getRoutes(0);
        assertEquals("inbound|8080||", route.getRoute().getCluster());
        assertEquals("reviews.default.svc.cluster.local:9080/*", route.getDecorator().getOperation());
        assertEquals(0, route.getRoute().getTimeout().getSeconds());
        assertEquals("reset-before-request", route.getRoute().getRetryPolicy().getRetryOn());
        assertEquals(2, route.getRoute().getRetryPolicy().getNumRetries().getValue());
    }

    @Test
    void aGrpcPortSpeaksHttp2AndIsNotRetried() throws Exception {
        HttpConnectionManager hcm = hcm(chains(inbound(SIDECAR, mesh()), 9090).get(0));

        assertTrue(hcm.hasHttp2ProtocolOptions());
        assertFalse(hcm.getRouteConfig().getVirtualHosts(0).getRoutes(0).getRoute().hasRetryPolicy());
    }

    @Test
    void aGrpcWebPortTranslatesGrpcWebFirstAndEveryHttpChainCountsGrpcCalls() throws Exception {
        PushContext push = new PushFixture()
                .kube("web", "default").port("grpc-web", 8088, Protocol.GRPC_WEB).endpoint(POD, 8088, "grpc-web").and()
                .build();
        List<String> filters = hcm(chains(inbound(SIDECAR, push), 8088).get(0)).getHttpFiltersList().stream()
                .map(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter::getName).toList();

        assertEquals(List.of(HttpFilters.GRPC_WEB, HttpFilters.GRPC_STATS, HttpFilters.FAULT, HttpFilters.CORS, RouterFilter.NAME), filters);
        assertEquals(List.of(HttpFilters.GRPC_STATS, HttpFilters.FAULT, HttpFilters.CORS, RouterFilter.NAME),
                hcm(chains(inbound(SIDECAR, mesh()), 9090).get(0)).getHttpFiltersList().stream()
                        .map(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter::getName).toList(),
                "gRPC ports need no translation");
    }

    @Test
    void aMongoPortCountsMongoOperationsBeforeProxying() throws Exception {
        PushContext push = new PushFixture()
                .kube("mongo", "default").port("mongo", 27017, Protocol.MONGO).vip("10.96.0.50").endpoint(POD, 27017, "mongo").and()
                .build();
        ProxyView client = Proxies.sidecarAt("10.7.7.7", "default", Map.of());

        FilterChain inbound = chains(inbound(SIDECAR, push), 27017).get(0);
        Listener outbound = new ListenerGenerator().generate(client, push, ResourceNames.of("10.96.0.50_27017")).stream()
                .map(r -> (Listener) r.resource()).findFirst().orElseThrow();

        for (FilterChain c : List.of(inbound, outbound.getFilterChains(0))) {
            assertEquals(List.of(NetworkFilters.MONGO_PROXY, TcpProxyFilter.NAME), c.getFiltersList().stream().map(f -> f.getName()).toList());
            assertEquals(ListenerGeneratorTest.tcpProxy(c.getFilters(1)).getStatPrefix(),
                    c.getFilters(0).getTypedConfig().unpack(io.envoyproxy.envoy.extensions.filters.network.mongo_proxy.v3.MongoProxy.class)
                            .getStatPrefix(), "Mongo's stats under the tcp_proxy's prefix");
        }
        assertEquals("inbound|27017||", ListenerGeneratorTest.tcpProxy(inbound.getFilters(1)).getStatPrefix());
        assertEquals("outbound|27017||mongo.default.svc.cluster.local", ListenerGeneratorTest.tcpProxy(outbound.getFilterChains(0).getFilters(1)).getCluster());
    }

    @Test
    void aTcpPortProxiesToItsInboundCluster() throws Exception {
        List<FilterChain> chains = chains(inbound(SIDECAR, mesh()), 6379);

        assertEquals(1, chains.size());
        assertEquals("inbound|6379||", ListenerGeneratorTest.tcpProxy(chains.get(0).getFilters(0)).getCluster());
        assertEquals("inbound|6379||", ListenerGeneratorTest.tcpProxy(chains.get(0).getFilters(0)).getStatPrefix());
    }

    @Test
    void aPortWithoutProtocolIsSniffedHttpFirstThenTcp() throws Exception {
        Listener l = inbound(SIDECAR, mesh());
        List<FilterChain> chains = chains(l, 7000);

        assertEquals(ProtocolSniffing.HTTP_PROTOCOLS, chains.get(0).getFilterChainMatch().getApplicationProtocolsList());
        assertEquals("inbound|7000||", hcm(chains.get(0)).getRouteConfig().getName());
        assertEquals(0, chains.get(1).getFilterChainMatch().getApplicationProtocolsCount());
        assertEquals("inbound|7000||", ListenerGeneratorTest.tcpProxy(chains.get(1).getFilters(0)).getCluster());
        ListenerFilterChainMatchPredicate disabled = listenerFilter(l, ProtocolSniffing.HTTP_INSPECTOR).getFilterDisabled();
        List<Integer> notSniffed = disabled.getOrMatch().getRulesList().stream().map(r -> r.getDestinationPortRange().getStart()).toList();
        assertEquals(List.of(6379, 8080, 9090, 15006), notSniffed, "http_inspector reads only the undeclared ports and the passthrough");
        disabled.getOrMatch().getRulesList().forEach(r -> assertEquals(r.getDestinationPortRange().getStart() + 1, r.getDestinationPortRange().getEnd()));
    }

    @Test
    void passthroughChainsTakeUndeclaredPortsToInboundPassthroughCluster() throws Exception {
        Listener l = inbound(SIDECAR, mesh());
        FilterChain http = l.getFilterChains(1);
        FilterChain tcp = l.getFilterChains(2);

        assertFalse(http.getFilterChainMatch().hasDestinationPort());
        assertEquals(ProtocolSniffing.HTTP_PROTOCOLS, http.getFilterChainMatch().getApplicationProtocolsList());
        assertEquals("InboundPassthroughCluster", hcm(http).getRouteConfig().getVirtualHosts(0).getRoutes(0).getRoute().getCluster());
        assertEquals("inbound|http|0", hcm(http).getRouteConfig().getVirtualHosts(0).getName());
        assertEquals("InboundPassthroughCluster", ListenerGeneratorTest.tcpProxy(tcp.getFilters(0)).getCluster());
        assertEquals(15006, l.getFilterChains(0).getFilterChainMatch().getDestinationPort().getValue());
        assertEquals("BlackHoleCluster", ListenerGeneratorTest.tcpProxy(l.getFilterChains(0).getFilters(0)).getCluster());
    }

    @Test
    void aProxyThatServesNoServiceGetsOnlyTheCatchAllChains() {
        Listener l = inbound(Proxies.sidecarAt("10.7.7.7", "default", Map.of()), mesh());

        assertEquals(List.of("virtualInbound-blackhole", "virtualInbound-catchall-http", "virtualInbound"), chainNames(l));
        assertEquals(15006, listenerFilter(l, ProtocolSniffing.HTTP_INSPECTOR).getFilterDisabled().getDestinationPortRange().getStart());
    }

    @Test
    void theFirstServiceByHostnameKeepsATargetPortTwoServicesShare() throws Exception {
        PushContext push = new PushFixture()
                .kube("b-tcp", "default").tcp(5000).endpoint(POD, 5000, "tcp-5000").and()
                .kube("a-http", "default").http(80).endpoint(POD, 5000, "http-80").and()
                .build();

        List<FilterChain> chains = chains(inbound(SIDECAR, push), 5000);

        assertEquals(1, chains.size());
        assertEquals("a-http.default.svc.cluster.local:80/*",
                hcm(chains.get(0)).getRouteConfig().getVirtualHosts(0).getRoutes(0).getDecorator().getOperation());
    }

    @Test
    void portsOfTheProxysOwnListenersGetNoChain() {
        PushContext push = new PushFixture()
                .kube("clash", "default").http(15006).http(15001).http(15021).http(8080)
                .endpoint(POD, 15006, "http-15006").endpoint(POD, 15001, "http-15001").endpoint(POD, 15021, "http-15021")
                .endpoint(POD, 8080, "http-8080").and()
                .build();
        ProxyView withStatusPort = Proxies.sidecarAt(POD, "default", Map.of("ENVOY_STATUS_PORT", "15021"));

        assertEquals(List.of("virtualInbound-blackhole", "virtualInbound-catchall-http", "virtualInbound", "0.0.0.0_8080"),
                chainNames(inbound(withStatusPort, push)));
    }

    @Test
    void tproxyMakesTheListenerTransparentAndKeepsTheClientsSourceAddress() throws Exception {
        Listener l = inbound(Proxies.sidecarAt(POD, "default", Map.of("INTERCEPTION_MODE", "TPROXY")), mesh());

        assertTrue(l.getTransparent().getValue());
        assertEquals(1337, listenerFilter(l, VirtualInboundListener.ORIGINAL_SRC).getTypedConfig().unpack(OriginalSrc.class).getMark());
        assertFalse(inbound(SIDECAR, mesh()).getListenerFiltersList().stream().anyMatch(f -> f.getName().equals(VirtualInboundListener.ORIGINAL_SRC)));
    }

    @Test
    void withoutCaptureThereIsNoVirtualInbound() {
        ProxyView local = Proxies.sidecarAt(POD, "default", Map.of("INTERCEPTION_MODE", "NONE"));

        assertTrue(new ListenerGenerator().generate(local, mesh(), ResourceNames.all()).stream()
                .noneMatch(r -> r.name().equals(VirtualInboundListener.NAME)));
    }
}
