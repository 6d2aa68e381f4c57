package io.pilot4j.translate.listener;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.translate.cluster.CatchAllClusters;

/**
 * Istio's {@code virtualOutbound}: the port iptables redirects outbound connections to. It hands each
 * connection to the listener matching its original destination; what matches none takes the catch-all chain.
 */
public final class VirtualOutboundListener {
    public static final String NAME = "virtualOutbound";
    public static final String BLACKHOLE_CHAIN = "virtualOutbound-blackhole";
    public static final String CATCH_ALL_CHAIN = "virtualOutbound-catchall-tcp";

    private VirtualOutboundListener() {
    }

    public static Listener build(MeshConfig mesh, InterceptionMode mode) {
        return build(mesh, mode, mesh.allowAnyOutbound());
    }

    /** @param allowAny the proxy's outbound traffic policy is ALLOW_ANY: the catch-all chain passes through */
    public static Listener build(MeshConfig mesh, InterceptionMode mode, boolean allowAny) {
        int port = mesh.proxyListenPort();
        Listener.Builder l = Listener.newBuilder()
                .setName(NAME)
                .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                        .setAddress(OutboundListener.WILDCARD)
                        .setPortValue(port)))
                .setUseOriginalDst(BoolValue.of(true))
                .setTrafficDirection(TrafficDirection.OUTBOUND)
                // A connection addressed to this very port would be passed through to itself forever.
                .addFilterChains(FilterChain.newBuilder()
                        .setName(BLACKHOLE_CHAIN)
                        .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(port)))
                        .addFilters(TcpProxyFilter.to(CatchAllClusters.BLACKHOLE)))
                .addFilterChains(FilterChain.newBuilder()
                        .setName(CATCH_ALL_CHAIN)
                        .addFilters(TcpProxyFilter.to(allowAny ? CatchAllClusters.PASSTHROUGH : CatchAllClusters.BLACKHOLE)));
        if (mode == InterceptionMode.TPROXY) {
            // TPROXY delivers packets still addressed to the original destination; only a transparent socket accepts them.
            l.setTransparent(BoolValue.of(true));
        }
        return l.build();
    }
}
