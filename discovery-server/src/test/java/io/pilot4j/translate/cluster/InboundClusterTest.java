package io.pilot4j.translate.cluster;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
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

/** A sidecar's clusters to its own workload: one per target port, and the passthrough for the rest. */
class InboundClusterTest {
    private static final String POD = "10.1.0.2";

    private static PushContext mesh() {
        return new PushFixture()
                .kube("reviews", "default").http(9080).grpc(9090).vip("10.96.0.11")
                .endpoint(POD, 8080, "http-9080").endpoint(POD, 9090, "grpc-9090").and()
                .kube("dns", "default").port("dns", 53, Protocol.UDP).endpoint(POD, 53, "dns").and()
                .build();
    }

    private static List<Cluster> clusters(ProxyView proxy, PushContext push) {
        return new ClusterGenerator().generate(proxy, push, ResourceNames.all()).stream().map(r -> (Cluster) r.resource()).toList();
    }

    private static List<String> inboundNames(List<Cluster> clusters) {
        return clusters.stream().map(Cluster::getName).filter(n -> n.startsWith("inbound|") || n.equals("InboundPassthroughCluster")).toList();
    }

    private static Cluster named(List<Cluster> clusters, String name) {
        return clusters.stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no " + name));
    }

    @Test
    void aSidecarGetsAClusterPerTargetPortOfItsWorkloadThenInboundPassthrough() {
        List<Cluster> clusters = clusters(Proxies.sidecarAt(POD, "default", Map.of()), mesh());

        assertEquals(List.of("inbound|8080||", "inbound|9090||", "InboundPassthroughCluster"), inboundNames(clusters), "UDP 53 gets none");
    }

    @Test
    void anInboundClusterGoesToTheOriginalDestinationFrom127_0_0_6() {
        Cluster http = named(clusters(Proxies.sidecarAt(POD, "default", Map.of()), mesh()), "inbound|8080||");

        assertEquals(Cluster.DiscoveryType.ORIGINAL_DST, http.getType());
        assertEquals(Cluster.LbPolicy.CLUSTER_PROVIDED, http.getLbPolicy());
        assertEquals("127.0.0.6", http.getUpstreamBindConfig().getSourceAddress().getAddress());
        assertEquals(0, http.getUpstreamBindConfig().getSourceAddress().getPortValue());
        assertEquals(9_223_372_035L, http.getCleanupInterval().getSeconds(), "original destination hosts are never cleaned up");
        assertFalse(http.containsTypedExtensionProtocolOptions(UpstreamHttpOptions.KEY), "HTTP/1.1 to the application");
    }

    @Test
    void aGrpcTargetPortSpeaksHttp2ToTheApplication() {
        Cluster grpc = named(clusters(Proxies.sidecarAt(POD, "default", Map.of()), mesh()), "inbound|9090||");

        assertEquals(UpstreamHttpOptions.http2(), grpc.getTypedExtensionProtocolOptionsMap());
    }

    @Test
    void theServicesDestinationRuleGivesTheInboundClusterItsConnectionPoolAndNothingElse() {
        PushContext push = new PushFixture()
                .kube("reviews", "default").http(9080).vip("10.96.0.11").endpoint(POD, 8080, "http-9080").and()
                .istio("""
                        apiVersion: networking.istio.io/v1
                        kind: DestinationRule
                        metadata: {name: reviews, namespace: default}
                        spec:
                          host: reviews
                          trafficPolicy:
                            connectionPool: {tcp: {maxConnections: 100}, http: {http1MaxPendingRequests: 10}}
                            loadBalancer: {simple: RANDOM}
                            outlierDetection: {consecutive5xxErrors: 3}
                        """)
                .build();

        Cluster c = named(clusters(Proxies.sidecarAt(POD, "default", Map.of()), push), "inbound|8080||");

        assertEquals(100, c.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue());
        assertEquals(10, c.getCircuitBreakers().getThresholds(0).getMaxPendingRequests().getValue());
        assertEquals(Cluster.LbPolicy.CLUSTER_PROVIDED, c.getLbPolicy(), "the load balancer is the client's business");
        assertFalse(c.hasOutlierDetection(), "so is outlier detection");
    }

    @Test
    void inboundPassthroughIsPassthroughClusterBoundTo127_0_0_6() {
        List<Cluster> clusters = clusters(Proxies.sidecarAt(POD, "default", Map.of()), mesh());
        Cluster inbound = named(clusters, CatchAllClusters.INBOUND_PASSTHROUGH);

        assertEquals(named(clusters, CatchAllClusters.PASSTHROUGH).toBuilder().setName(CatchAllClusters.INBOUND_PASSTHROUGH)
                .setUpstreamBindConfig(CatchAllClusters.inboundBindConfig()).build(), inbound);
    }

    @Test
    void routersProxylessClientsAndProxiesWithoutCaptureGetNoInboundClusters() {
        PushContext push = mesh();

        assertEquals(List.of(), inboundNames(clusters(Proxies.router("default"), push)));
        assertEquals(List.of(), inboundNames(clusters(Proxies.sidecarAt(POD, "default", Map.of("INTERCEPTION_MODE", "NONE")), push)));
        assertEquals(List.of("InboundPassthroughCluster"), inboundNames(clusters(Proxies.sidecarAt("10.7.7.7", "default", Map.of()), push)),
                "a workload behind no service still takes traffic to its undeclared ports");
    }
}
