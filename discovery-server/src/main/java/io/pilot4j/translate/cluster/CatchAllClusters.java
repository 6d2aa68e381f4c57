package io.pilot4j.translate.cluster;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.pilot4j.mesh.MeshConfig;

/**
 * The two clusters Istio gives every Envoy for traffic to destinations outside the registry: the mesh's
 * outboundTrafficPolicy chooses which one the catch-all listener chain and route use.
 */
public final class CatchAllClusters {
    /** ALLOW_ANY: forward to wherever the application was connecting. */
    public static final String PASSTHROUGH = "PassthroughCluster";
    /** REGISTRY_ONLY: a cluster with no hosts, so the connection or request fails. */
    public static final String BLACKHOLE = "BlackHoleCluster";

    private CatchAllClusters() {
    }

    /** The cluster the catch-all sends traffic to under this mesh's outbound policy. */
    public static String forOutboundPolicy(MeshConfig mesh) {
        return mesh.allowAnyOutbound() ? PASSTHROUGH : BLACKHOLE;
    }

    public static Cluster passthrough(MeshConfig mesh) {
        return Cluster.newBuilder()
                .setName(PASSTHROUGH)
                .setType(Cluster.DiscoveryType.ORIGINAL_DST)
                .setConnectTimeout(Durations.fromNanos(mesh.connectTimeout().toNanos()))
                .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
                .setCircuitBreakers(DefaultCircuitBreakers.get())
                .putAllTypedExtensionProtocolOptions(UpstreamHttpOptions.useDownstreamProtocol())
                .build();
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
