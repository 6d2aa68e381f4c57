package io.pilot4j.translate.cluster;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.pilot4j.mesh.MeshConfig;

/**
 * The clusters Istio gives every Envoy for traffic to destinations outside the registry: the mesh's
 * outboundTrafficPolicy chooses which of the first two the catch-all listener chain and route use; a sidecar's
 * inbound traffic to ports no service declares takes the third.
 */
public final class CatchAllClusters {
    /** ALLOW_ANY: forward to wherever the application was connecting. */
    public static final String PASSTHROUGH = "PassthroughCluster";
    /** REGISTRY_ONLY: a cluster with no hosts, so the connection or request fails. */
    public static final String BLACKHOLE = "BlackHoleCluster";

    /** Inbound traffic to a port no service of the workload declares: to the original destination, from 127.0.0.6. */
    public static final String INBOUND_PASSTHROUGH = "InboundPassthroughCluster";
    /**
     * The source address of a sidecar's connections to its own workload. Istio's capture rules let traffic from it
     * through to the application; from any other address, the sidecar's own connection would be redirected to
     * virtualInbound again, forever.
     */
    public static final String INBOUND_BIND_ADDRESS = "127.0.0.6";

    private CatchAllClusters() {
    }

    /** The cluster the catch-all sends traffic to under this mesh's outbound policy. */
    public static String forOutboundPolicy(MeshConfig mesh) {
        return mesh.allowAnyOutbound() ? PASSTHROUGH : BLACKHOLE;
    }

    public static Cluster passthrough(MeshConfig mesh) {
        return originalDestination(mesh, PASSTHROUGH).build();
    }

    /** Istio's buildInboundPassthroughCluster: PassthroughCluster under its own name, bound to 127.0.0.6. */
    public static Cluster inboundPassthrough(MeshConfig mesh) {
        return originalDestination(mesh, INBOUND_PASSTHROUGH).setUpstreamBindConfig(inboundBindConfig()).build();
    }

    /** Where a sidecar's connections to its workload come from ({@link #INBOUND_BIND_ADDRESS}, any port). */
    public static BindConfig inboundBindConfig() {
        return BindConfig.newBuilder()
                .setSourceAddress(SocketAddress.newBuilder().setAddress(INBOUND_BIND_ADDRESS).setPortValue(0))
                .build();
    }

    private static Cluster.Builder originalDestination(MeshConfig mesh, String name) {
        return Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.ORIGINAL_DST)
                .setConnectTimeout(Durations.fromNanos(mesh.connectTimeout().toNanos()))
                .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
                .setCircuitBreakers(DefaultCircuitBreakers.get())
                .putAllTypedExtensionProtocolOptions(UpstreamHttpOptions.useDownstreamProtocol());
    }

    public static Cluster blackHole(MeshConfig mesh) {
        return Cluster.newBuilder()
                .setName(BLACKHOLE)
                .setType(Cluster.DiscoveryType.STATIC)
                .setConnectTimeout(Durations.fromNanos(mesh.connectTimeout().toNanos()))
                .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
                .build();
    }
}
