package io.pilot4j.translate.listener;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.type.v3.HashPolicy;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.networking.ConnectionPoolSettings;
import io.pilot4j.model.networking.LoadBalancerSettings;
import io.pilot4j.model.networking.TrafficPolicy;
import io.pilot4j.translate.ProxyView;

import java.time.Duration;
import java.util.Optional;

/**
 * A tcp_proxy network filter, stats under the cluster's name (Istio's default stat prefix), with what the
 * destination's DestinationRule says of TCP connections (Istio's buildOutboundNetworkFiltersWithSingleDestination):
 * connectionPool.tcp idleTimeout and maxConnectionDuration bound the downstream connection, and a consistent hash on
 * the source IP becomes the proxy's hash policy. The rule's policy is read for the destination's subset and port.
 */
public final class TcpProxyFilter {
    public static final String NAME = "envoy.filters.network.tcp_proxy";

    private TcpProxyFilter() {
    }

    /** To a cluster no DestinationRule shapes (BlackHole, Passthrough). */
    public static Filter to(String cluster) {
        return filter(TcpProxy.newBuilder().setStatPrefix(cluster).setCluster(cluster));
    }

    /** To {@code cluster}, the one of {@code host}'s {@code subset} on {@code port}. */
    public static Filter to(ProxyView proxy, PushContext push, String cluster, String host, String subset, int port) {
        TcpProxy.Builder tcp = TcpProxy.newBuilder().setStatPrefix(cluster).setCluster(cluster);
        applyRule(tcp, proxy, push, host, subset, port);
        return filter(tcp);
    }

    static Filter filter(TcpProxy.Builder tcp) {
        return Filter.newBuilder().setName(NAME).setTypedConfig(Any.pack(tcp.build())).build();
    }

    static void applyRule(TcpProxy.Builder tcp, ProxyView proxy, PushContext push, String host, String subset, int port) {
        Optional<Service> service = push.service(host);
        if (service.isEmpty()) {
            return;
        }
        TrafficPolicy policy = push.destinationRule(proxy.namespace(), proxy.labels(), service.get())
                .map(dr -> dr.policyFor(subset, port)).orElse(TrafficPolicy.NONE);
        Optional<ConnectionPoolSettings.Tcp> pool = policy.connectionPool().flatMap(ConnectionPoolSettings::tcp);
        pool.flatMap(ConnectionPoolSettings.Tcp::idleTimeout).ifPresent(d -> tcp.setIdleTimeout(proto(d)));
        pool.flatMap(ConnectionPoolSettings.Tcp::maxConnectionDuration).ifPresent(d -> tcp.setMaxDownstreamConnectionDuration(proto(d)));
        boolean sourceIp = policy.loadBalancer().flatMap(LoadBalancerSettings::consistentHash)
                .map(h -> h.key() == LoadBalancerSettings.ConsistentHash.HashKey.USE_SOURCE_IP).orElse(false);
        if (sourceIp) {
            tcp.addHashPolicy(HashPolicy.newBuilder().setSourceIp(HashPolicy.SourceIp.getDefaultInstance()));
        }
    }

    private static com.google.protobuf.Duration proto(Duration d) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }
}
