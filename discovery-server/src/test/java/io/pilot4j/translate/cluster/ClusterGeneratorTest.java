package io.pilot4j.translate.cluster;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.mesh.OutboundTrafficPolicy;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Resolution;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterGeneratorTest {
    private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";

    private final ClusterGenerator cds = new ClusterGenerator();
    private final ProxyView sidecar = Proxies.sidecar("default");

    private List<Cluster> clusters(ProxyView proxy, PushContext push, ResourceNames names) {
        return cds.generate(proxy, push, names).stream().map(r -> (Cluster) r.resource()).toList();
    }

    private Cluster only(PushContext push, String name) {
        List<Cluster> out = clusters(sidecar, push, ResourceNames.of(name));
        assertEquals(1, out.size(), () -> "clusters named " + name + ": " + out);
        return out.get(0);
    }

    private static Map<String, Cluster> byName(List<Cluster> clusters) {
        return clusters.stream().collect(Collectors.toMap(Cluster::getName, c -> c));
    }

    @Test
    void clientSideLbServiceIsAnEdsClusterOverAds() {
        PushContext push = new PushFixture().kube("reviews", "default").http(9080).build();

        Cluster expected = Cluster.newBuilder()
                .setName(REVIEWS)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                        .setServiceName(REVIEWS)
                        .setEdsConfig(ConfigSource.newBuilder()
                                .setAds(AggregatedConfigSource.getDefaultInstance())
                                .setInitialFetchTimeout(Durations.ZERO)
                                .setResourceApiVersion(ApiVersion.V3)))
                .setConnectTimeout(Durations.fromSeconds(10))
                .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
                .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
                        .setPriority(RoutingPriority.DEFAULT)
                        .setMaxConnections(UInt32Value.of((int) 4294967295L))
                        .setMaxPendingRequests(UInt32Value.of((int) 4294967295L))
                        .setMaxRequests(UInt32Value.of((int) 4294967295L))
                        .setMaxRetries(UInt32Value.of((int) 4294967295L))))
                .build();
        assertEquals(expected, only(push, REVIEWS));
        assertEquals(4294967295L, Integer.toUnsignedLong(expected.getCircuitBreakers().getThresholds(0).getMaxRetries().getValue()));
    }

    @Test
    @SuppressWarnings("deprecation") // Istio's deprecated fields, deliberately
    void strictDnsCarriesHealthyEndpointsInline() {
        PushContext push = new PushFixture().host("api.example.com", "default").port("https", 443, Protocol.TLS)
                .resolution(Resolution.DNS_LB)
                .endpoint("b.example.com", 443, "https").endpoint("a.example.com", 443, "https")
                .endpoint("c.example.com", 443, "https", Locality.NONE, 1, HealthStatus.UNHEALTHY)
                .build();

        Cluster c = only(push, "outbound|443||api.example.com");

        assertEquals(Cluster.DiscoveryType.STRICT_DNS, c.getType());
        assertEquals("outbound|443||api.example.com", c.getLoadAssignment().getClusterName());
        assertEquals(List.of("a.example.com", "b.example.com"), addresses(c));
        assertEquals(Cluster.DnsLookupFamily.V4_ONLY, c.getDnsLookupFamily());
        assertEquals(Durations.fromSeconds(60), c.getDnsRefreshRate());
        assertTrue(c.getRespectDnsTtl());
        assertEquals(Cluster.LbPolicy.LEAST_REQUEST, c.getLbPolicy());
        assertFalse(c.hasEdsClusterConfig());
    }

    @Test
    void logicalDnsKeepsExactlyOneEndpoint() {
        PushContext push = new PushFixture().host("api.example.com", "default").port("https", 443, Protocol.TLS)
                .resolution(Resolution.DNS_ROUND_ROBIN_LB)
                .endpoint("b.example.com", 443, "https").endpoint("a.example.com", 443, "https").build();

        Cluster c = only(push, "outbound|443||api.example.com");

        assertEquals(Cluster.DiscoveryType.LOGICAL_DNS, c.getType());
        assertEquals(List.of("a.example.com"), addresses(c));
    }

    @Test
    void dnsServiceWithoutHealthyEndpointsGetsNoCluster() {
        PushContext push = new PushFixture().host("api.example.com", "default").http(80).resolution(Resolution.DNS_LB)
                .endpoint("a.example.com", 80, "http-80", Locality.NONE, 1, HealthStatus.UNHEALTHY).build();

        assertEquals(List.of(), clusters(sidecar, push, ResourceNames.of("outbound|80||api.example.com")));
    }

    @Test
    void dnsLookupFamilyFollowsAnIpv6OnlyProxy() {
        PushContext push = new PushFixture().host("api.example.com", "default").http(80).resolution(Resolution.DNS_LB)
                .endpoint("a.example.com", 80, "http-80").build();
        ProxyView v6 = ProxyView.of(Proxy.fromNode("sidecar~fd00::1~app.default~default.svc.cluster.local", Map.of(), Map.of()));

        Cluster c = clusters(v6, push, ResourceNames.of("outbound|80||api.example.com")).get(0);

        assertEquals(Cluster.DnsLookupFamily.V6_ONLY, c.getDnsLookupFamily());
    }

    @Test
    void passthroughIsOriginalDstForSidecarsAndEdsForGateways() {
        PushContext push = new PushFixture().kube("db", "default").tcp(5432).resolution(Resolution.PASSTHROUGH).build();
        String name = "outbound|5432||db.default.svc.cluster.local";

        Cluster forSidecar = only(push, name);
        Cluster forGateway = clusters(Proxies.router("istio-system"), push, ResourceNames.of(name)).get(0);

        assertEquals(Cluster.DiscoveryType.ORIGINAL_DST, forSidecar.getType());
        assertEquals(Cluster.LbPolicy.CLUSTER_PROVIDED, forSidecar.getLbPolicy());
        assertEquals(Cluster.DiscoveryType.EDS, forGateway.getType());
        assertEquals(name, forGateway.getEdsClusterConfig().getServiceName());
        assertEquals(Cluster.LbPolicy.LEAST_REQUEST, forGateway.getLbPolicy());
    }

    @ParameterizedTest(name = "{0} -> http2 options: {1}")
    @CsvSource({"GRPC,true", "HTTP2,true", "GRPC_WEB,true", "HTTP,false", "TCP,false", "UNSUPPORTED,false"})
    void http2PortsGetExplicitHttp2UpstreamOptions(Protocol protocol, boolean http2) throws Exception {
        PushContext push = new PushFixture().kube("svc", "default").port("p", 7070, protocol).build();

        Cluster c = only(push, "outbound|7070||svc.default.svc.cluster.local");

        if (http2) {
            Any options = c.getTypedExtensionProtocolOptionsOrThrow("envoy.extensions.upstreams.http.v3.HttpProtocolOptions");
            assertEquals(HttpProtocolOptions.newBuilder()
                    .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                            .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
                    .build(), options.unpack(HttpProtocolOptions.class));
        } else {
            assertEquals(Map.of(), c.getTypedExtensionProtocolOptionsMap());
        }
    }

    @Test
    void wildcardListsEveryVisiblePortThenTheCatchAlls() {
        PushContext push = new PushFixture()
                .kube("reviews", "default").http(9080).grpc(9090).and()
                .kube("dns", "kube-system").port("dns", 53, Protocol.UDP).port("dns-tcp", 53, Protocol.TCP).and()
                .kube("hidden", "other").http(80).exportTo(".").build();

        List<String> names = clusters(sidecar, push, ResourceNames.all()).stream().map(Cluster::getName).toList();

        assertEquals(List.of("outbound|53||dns.kube-system.svc.cluster.local",
                REVIEWS, "outbound|9090||reviews.default.svc.cluster.local",
                "BlackHoleCluster", "PassthroughCluster", "InboundPassthroughCluster"), names);
    }

    @Test
    void catchAllClustersFollowIstio() {
        Map<String, Cluster> all = byName(clusters(sidecar, PushContext.empty(MeshConfig.defaults()), ResourceNames.all()));

        Cluster blackHole = all.get("BlackHoleCluster");
        assertEquals(Cluster.newBuilder().setName("BlackHoleCluster").setType(Cluster.DiscoveryType.STATIC)
                .setConnectTimeout(Durations.fromSeconds(10)).build(), blackHole);

        Cluster passthrough = all.get("PassthroughCluster");
        assertEquals(Cluster.DiscoveryType.ORIGINAL_DST, passthrough.getType());
        assertEquals(Cluster.LbPolicy.CLUSTER_PROVIDED, passthrough.getLbPolicy());
        assertEquals(Durations.fromSeconds(10), passthrough.getConnectTimeout());
        assertTrue(passthrough.getTypedExtensionProtocolOptionsMap().containsKey(UpstreamHttpOptions.KEY));
    }

    @Test
    void namedRequestReturnsOnlyExistingNamedClusters() {
        PushContext push = new PushFixture().kube("reviews", "default").http(9080).grpc(9090).build();

        List<String> names = clusters(sidecar, push,
                ResourceNames.of(REVIEWS, "outbound|1||nope", "PassthroughCluster")).stream().map(Cluster::getName).toList();

        assertEquals(List.of(REVIEWS, "PassthroughCluster"), names);
    }

    @Test
    @SuppressWarnings("deprecation") // Istio's deprecated fields, deliberately
    void connectTimeoutComesFromTheMesh() {
        MeshConfig mesh = PushFixture.meshConfig(OutboundTrafficPolicy.Mode.ALLOW_ANY, Duration.ofMillis(2500), Duration.ofSeconds(5));
        PushContext push = new PushFixture().mesh(mesh)
                .host("api.example.com", "default").http(80).resolution(Resolution.DNS_LB)
                .endpoint("a.example.com", 80, "http-80").build();

        for (XdsResource r : cds.generate(sidecar, push, ResourceNames.all())) {
            assertEquals(Durations.fromMillis(2500), ((Cluster) r.resource()).getConnectTimeout(), r.name());
        }
        assertEquals(Durations.fromSeconds(5), only(push, "outbound|80||api.example.com").getDnsRefreshRate());
    }

    private static List<String> addresses(Cluster c) {
        return c.getLoadAssignment().getEndpointsList().stream()
                .flatMap(l -> l.getLbEndpointsList().stream())
                .map(LbEndpoint::getEndpoint)
                .map(e -> e.getAddress().getSocketAddress().getAddress())
                .toList();
    }
}
