package io.pilot4j.translate.cluster;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.ServiceTarget;
import io.pilot4j.translate.ProxyView;

/**
 * A sidecar's cluster to its own workload on one target port (Istio's buildInboundCluster under the default
 * inboundTrafficPolicy PASSTHROUGH): {@code inbound|PORT||}, to the connection's original destination, the pod's
 * own IP and port, from {@link CatchAllClusters#INBOUND_BIND_ADDRESS}, so that the application sees where traffic came
 * from as 127.0.0.6 and iptables does not capture it again.
 */
public final class InboundCluster {
    /**
     * Istio's maximum duration, the most seconds whose nanoseconds fit in an int64 (about 292 years; Envoy refuses
     * more): original destination hosts of an inbound cluster are never cleaned up.
     */
    private static final Duration NO_CLEANUP = Duration.newBuilder().setSeconds((Long.MAX_VALUE - 999_999_999L) / 1_000_000_000L).build();

    private InboundCluster() {
    }

    /** Istio's BuildInboundSubsetKey: {@code inbound|PORT||}, the cluster and route configuration of a target port. */
    public static String name(int targetPort) {
        return "inbound|" + targetPort + "||";
    }

    /**
     * @param target the port's first service target: its protocol decides the upstream protocol, and its service's
     *               DestinationRule the connection pool (Istio sets it on the receiving side too, so that the server
     *               has the capacity the clients were given); nothing else of the rule applies inbound
     */
    public static Cluster build(ProxyView proxy, PushContext push, ServiceTarget target) {
        MeshConfig mesh = push.mesh();
        Protocol protocol = target.port().protocol();
        boolean http2 = UpstreamHttpOptions.needsHttp2(protocol);
        Cluster.Builder c = Cluster.newBuilder()
                .setName(name(target.targetPort()))
                .setType(Cluster.DiscoveryType.ORIGINAL_DST)
                .setConnectTimeout(com.google.protobuf.util.Durations.fromNanos(mesh.connectTimeout().toNanos()))
                .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
                .setCleanupInterval(NO_CLEANUP)
                .setCircuitBreakers(DefaultCircuitBreakers.get())
                .setUpstreamBindConfig(CatchAllClusters.inboundBindConfig());
        if (http2) {
            c.putAllTypedExtensionProtocolOptions(UpstreamHttpOptions.http2());
        }
        push.destinationRule(proxy.namespace(), proxy.labels(), target.service())
                .flatMap(rule -> rule.policyFor("", target.port().port()).connectionPool())
                .ifPresent(pool -> ClusterTrafficPolicy.applyConnectionPool(c, pool, protocol, http2));
        return c.build();
    }
}
