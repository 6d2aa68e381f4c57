package io.pilot4j.translate.listener;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.pilot4j.translate.AdsConfigSource;

/**
 * One outbound port listener of a sidecar, named {@code ADDRESS_PORT} as in Istio: HTTP listeners share a
 * port through RDS route config {@code "PORT"}, TCP listeners proxy to one cluster.
 */
public final class OutboundListener {
    public static final String WILDCARD = "0.0.0.0";
    public static final String LOCALHOST = "127.0.0.1";
    public static final String HTTP_CONNECTION_MANAGER = "envoy.filters.network.http_connection_manager";

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
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix("outbound_" + name)
                .setCodecType(HttpConnectionManager.CodecType.AUTO)
                .setRds(Rds.newBuilder()
                        .setConfigSource(AdsConfigSource.forEnvoy())
                        .setRouteConfigName(Integer.toString(port)))
                // Istio's order: fault and CORS (configured per route), then the router.
                .addHttpFilters(HttpFilters.fault())
                .addHttpFilters(HttpFilters.cors())
                .addHttpFilters(RouterFilter.get())
                // Istio's outbound defaults: trust the local application's headers (x-envoy-* timeouts), allow
                // websockets, no stream idle timeout (long-lived gRPC streams), RFC 3986 path normalisation.
                .setUseRemoteAddress(BoolValue.of(false))
                .addUpgradeConfigs(HttpConnectionManager.UpgradeConfig.newBuilder().setUpgradeType("websocket"))
                .setStreamIdleTimeout(Durations.ZERO)
                .setNormalizePath(BoolValue.of(true))
                .setPathWithEscapedSlashesAction(HttpConnectionManager.PathWithEscapedSlashesAction.KEEP_UNCHANGED)
                .build();
        return skeleton(name, address, port, bindToPort)
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName(HTTP_CONNECTION_MANAGER)
                        .setTypedConfig(Any.pack(hcm))))
                .build();
    }

    public static Listener tcp(String address, int port, boolean bindToPort, String cluster) {
        return tcp(address, port, bindToPort, TcpProxyFilter.to(cluster));
    }

    /** @param tcpProxy the tcp_proxy filter: to the service's cluster, or as a VirtualService's tcp route says */
    public static Listener tcp(String address, int port, boolean bindToPort, io.envoyproxy.envoy.config.listener.v3.Filter tcpProxy) {
        return skeleton(name(address, port), address, port, bindToPort)
                .addFilterChains(FilterChain.newBuilder().addFilters(tcpProxy))
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
