package io.pilot4j.translate.listener;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;

import io.pilot4j.mesh.MeshConfig;

import java.util.List;

/**
 * One outbound port listener of a sidecar, named {@code ADDRESS_PORT} as in Istio: HTTP listeners share a
 * port through RDS route config {@code "PORT"}, TCP listeners proxy to one cluster.
 */
public final class OutboundListener {
    public static final String WILDCARD = "0.0.0.0";
    public static final String LOCALHOST = "127.0.0.1";
    public static final String HTTP_CONNECTION_MANAGER = HttpConnectionManagers.NAME;

    private OutboundListener() {
    }

    public static String name(String address, int port) {
        return address + "_" + port;
    }

    /**
     * @param bindToPort false under iptables capture: virtualOutbound hands connections over, and binding the
     *                   service port would fail or steal it from the application
     */
    public static Listener http(String address, int port, boolean bindToPort) {
        String name = name(address, port);
        return skeleton(name, address, port, bindToPort)
                .addFilterChains(FilterChain.newBuilder().addFilters(HttpConnectionManagers.filter(
                        httpConnectionManager("outbound_" + name, Integer.toString(port)))))
                .build();
    }

    /** An outbound HTTP chain's connection manager: routes from RDS, and the local application's headers trusted. */
    static HttpConnectionManager httpConnectionManager(String statPrefix, String routeName) {
        return HttpConnectionManagers.rds(statPrefix, routeName)
                // Istio's outbound default: trust the local application's headers (x-envoy-* timeouts).
                .setUseRemoteAddress(BoolValue.of(false))
                .build();
    }

    public static Listener tcp(String address, int port, boolean bindToPort, String cluster) {
        return tcp(address, port, bindToPort, TcpProxyFilter.to(cluster));
    }

    /** @param tcpProxy the tcp_proxy filter: to the service's cluster, or as a VirtualService's tcp route says */
    public static Listener tcp(String address, int port, boolean bindToPort, Filter tcpProxy) {
        return tcp(address, port, bindToPort, List.of(FilterChain.newBuilder().addFilters(tcpProxy).build()));
    }

    /** @param chains the chains of {@link TcpRoutes#chains}; matching on SNI adds tls_inspector */
    public static Listener tcp(String address, int port, boolean bindToPort, List<FilterChain> chains) {
        return SniInspection.addIfNeeded(skeleton(name(address, port), address, port, bindToPort).addAllFilterChains(chains)).build();
    }

    /** A port without declared protocol: {@code chains} of {@link ProtocolSniffing#outboundChains}, behind http_inspector. */
    public static Listener sniffed(String address, int port, boolean bindToPort, List<FilterChain> chains, MeshConfig mesh) {
        return ProtocolSniffing.addInspectorIfNeeded(skeleton(name(address, port), address, port, bindToPort).addAllFilterChains(chains), mesh)
                .build();
    }

    private static Listener.Builder skeleton(String name, String address, int port, boolean bindToPort) {
        return Listener.newBuilder()
                .setName(name)
                .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                        .setAddress(address)
                        .setPortValue(port)))
                .setBindToPort(BoolValue.of(bindToPort))
                .setTrafficDirection(TrafficDirection.OUTBOUND);
    }
}
