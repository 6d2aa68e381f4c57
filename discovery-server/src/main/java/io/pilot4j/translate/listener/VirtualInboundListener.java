package io.pilot4j.translate.listener;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilterChainMatchPredicate;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.original_src.v3.OriginalSrc;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.v3.Int32Range;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.ServiceTarget;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.cluster.CatchAllClusters;
import io.pilot4j.translate.cluster.InboundCluster;
import io.pilot4j.translate.cluster.UpstreamHttpOptions;
import io.pilot4j.translate.route.InboundRoute;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Istio's {@code virtualInbound} (listener_inbound.go, plaintext: no PeerAuthentication yet): the port iptables
 * redirects every inbound connection to. Its filter chains, in Istio's order:
 * <ul>
 *   <li>{@code virtualInbound-blackhole}: a connection to 15006 itself would loop;</li>
 *   <li>the passthrough chains, for ports no service of the workload declares: HTTP ({@code
 *       virtualInbound-catchall-http}) and anything else ({@code virtualInbound}) to InboundPassthroughCluster;</li>
 *   <li>per target port of the workload ({@link ProxyView#inboundTargets}), {@code 0.0.0.0_PORT}: an HTTP chain with
 *       inline routes to {@code inbound|PORT||} for HTTP ports, a tcp_proxy chain for TCP ones, and both for a port
 *       whose protocol is not declared, told apart by http_inspector.</li>
 * </ul>
 * http_inspector reads the first bytes of every connection except on ports whose chains do not ask for application
 * protocols, as Istio's populateListenerFilters decides: a declared port is never sniffed.
 */
public final class VirtualInboundListener {
    public static final String NAME = "virtualInbound";
    public static final String BLACKHOLE_CHAIN = "virtualInbound-blackhole";
    public static final String CATCH_ALL_HTTP_CHAIN = "virtualInbound-catchall-http";
    public static final String ORIGINAL_DST = "envoy.filters.listener.original_dst";
    public static final String ORIGINAL_SRC = "envoy.filters.listener.original_src";

    private VirtualInboundListener() {
    }

    public static Listener build(ProxyView proxy, PushContext push) {
        int port = push.mesh().proxyInboundListenPort();
        List<FilterChain> chains = new ArrayList<>();
        chains.add(FilterChain.newBuilder()
                .setName(BLACKHOLE_CHAIN)
                .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(port)))
                .addFilters(TcpProxyFilter.to(CatchAllClusters.BLACKHOLE))
                .build());
        chains.add(httpChain(CATCH_ALL_HTTP_CHAIN, FilterChainMatch.newBuilder(), true,
                hcm(CatchAllClusters.INBOUND_PASSTHROUGH, CatchAllClusters.INBOUND_PASSTHROUGH, "", 0, Protocol.UNSUPPORTED)));
        chains.add(tcpChain(NAME, FilterChainMatch.newBuilder(), CatchAllClusters.INBOUND_PASSTHROUGH, Protocol.UNSUPPORTED));
        // Ports where no chain asks for an application protocol: http_inspector stays out of their way.
        Set<Integer> notSniffed = new TreeSet<>(List.of(port));
        for (ServiceTarget t : proxy.inboundTargets(push)) {
            Protocol protocol = t.port().protocol();
            if (protocol == Protocol.UDP) {
                continue;
            }
            String chainName = OutboundListener.name(OutboundListener.WILDCARD, t.targetPort());
            String cluster = InboundCluster.name(t.targetPort());
            FilterChainMatch.Builder match = FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(t.targetPort()));
            boolean sniffed = protocol == Protocol.UNSUPPORTED;
            if (sniffed || protocol.isHttp()) {
                chains.add(httpChain(chainName, match.clone(), sniffed,
                        hcm("inbound_" + chainName, cluster, t.service().hostname(), t.port().port(), protocol)));
            }
            if (sniffed || !protocol.isHttp()) {
                chains.add(tcpChain(chainName, match.clone(), cluster, protocol));
            }
            if (!sniffed) {
                notSniffed.add(t.targetPort());
            }
        }
        Listener.Builder l = Listener.newBuilder()
                .setName(NAME)
                .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                        .setAddress(OutboundListener.WILDCARD)
                        .setPortValue(port)))
                .setTrafficDirection(TrafficDirection.INBOUND)
                .setContinueOnListenerFiltersTimeout(true)
                .setListenerFiltersTimeout(Durations.fromNanos(push.mesh().protocolDetectionTimeout().toNanos()))
                .addListenerFilters(ListenerFilter.newBuilder()
                        .setName(ORIGINAL_DST)
                        .setTypedConfig(Any.pack(OriginalDst.getDefaultInstance())))
                .addAllFilterChains(chains);
        if (proxy.interceptionMode() == InterceptionMode.TPROXY) {
            // TPROXY keeps the original destination on the packets, and the client's source address is kept upstream.
            l.setTransparent(BoolValue.of(true));
            l.addListenerFilters(ListenerFilter.newBuilder()
                    .setName(ORIGINAL_SRC)
                    .setTypedConfig(Any.pack(OriginalSrc.newBuilder().setMark(1337).build())));
        }
        l.addListenerFilters(ProtocolSniffing.inspector().setFilterDisabled(onPorts(notSniffed)));
        return l.build();
    }

    /** Istio's listenerPredicateExcludePorts: true on any of {@code ports}, each a range [port, port + 1). */
    private static ListenerFilterChainMatchPredicate onPorts(Set<Integer> ports) {
        List<ListenerFilterChainMatchPredicate> ranges = new ArrayList<>();
        for (int p : ports) {
            ranges.add(ListenerFilterChainMatchPredicate.newBuilder()
                    .setDestinationPortRange(Int32Range.newBuilder().setStart(p).setEnd(p + 1))
                    .build());
        }
        if (ranges.size() == 1) {
            return ranges.get(0);
        }
        return ListenerFilterChainMatchPredicate.newBuilder()
                .setOrMatch(ListenerFilterChainMatchPredicate.MatchSet.newBuilder().addAllRules(ranges))
                .build();
    }

    /** @param sniffed the port's protocol is not declared: the chain takes only what http_inspector calls HTTP */
    private static FilterChain httpChain(String name, FilterChainMatch.Builder match, boolean sniffed, HttpConnectionManager hcm) {
        match.setTransportProtocol(ProtocolSniffing.RAW_BUFFER);
        if (sniffed) {
            match.addAllApplicationProtocols(ProtocolSniffing.HTTP_PROTOCOLS);
        }
        return FilterChain.newBuilder()
                .setName(name)
                .setFilterChainMatch(match)
                .addFilters(HttpConnectionManagers.filter(hcm))
                .build();
    }

    private static FilterChain tcpChain(String name, FilterChainMatch.Builder match, String cluster, Protocol protocol) {
        return FilterChain.newBuilder()
                .setName(name)
                .setFilterChainMatch(match.setTransportProtocol(ProtocolSniffing.RAW_BUFFER))
                .addAllFilters(NetworkFilters.stack(protocol, TcpProxyFilter.to(cluster)))
                .build();
    }

    /**
     * Istio's buildSidecarInboundHTTPOpts: the application's requests come from the mesh, so the connection manager
     * trusts no forwarded address, appends the client certificate's details, and calls itself istio-envoy.
     */
    private static HttpConnectionManager hcm(String statPrefix, String cluster, String hostname, int servicePort, Protocol protocol) {
        HttpConnectionManager.Builder hcm = HttpConnectionManagers.inline(statPrefix, InboundRoute.build(cluster, hostname, servicePort, protocol))
                .setUseRemoteAddress(BoolValue.of(false))
                .setForwardClientCertDetails(HttpConnectionManager.ForwardClientCertDetails.APPEND_FORWARD)
                .setSetCurrentClientCertDetails(HttpConnectionManager.SetCurrentClientCertDetails.newBuilder()
                        .setSubject(BoolValue.of(true))
                        .setDns(true)
                        .setUri(true))
                .setServerName("istio-envoy");
        if (UpstreamHttpOptions.needsHttp2(protocol)) {
            hcm.setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance());
        }
        if (protocol == Protocol.GRPC_WEB) {
            hcm.addHttpFilters(0, HttpFilters.grpcWeb());
        }
        return hcm.build();
    }
}
