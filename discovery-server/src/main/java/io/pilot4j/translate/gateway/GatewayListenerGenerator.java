package io.pilot4j.translate.gateway;

import com.google.protobuf.BoolValue;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.networking.MergedGateway;
import io.pilot4j.model.networking.TlsRoute;
import io.pilot4j.model.networking.VirtualService;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;
import io.pilot4j.translate.listener.HttpConnectionManagers;
import io.pilot4j.translate.listener.OutboundListener;
import io.pilot4j.translate.listener.SniInspection;
import io.pilot4j.translate.listener.TcpRoutes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * LDS for routers (Istio's buildGatewayListeners): one listener per port of the Gateways that select the router,
 * {@code 0.0.0.0_PORT} bound on that port ({@code ::_PORT} on an IPv6-only router), or on the target port its own
 * Service maps it to ({@link MergedGateway#merge(java.util.List, java.util.Map)}). Plain text HTTP servers share
 * one connection manager on route config {@code http.PORT}; each TLS server gets a filter chain matching its hosts by
 * SNI, an HTTPS one a connection manager on its own route config, a TLS one the tcp_proxy of its tcp route; a
 * PASSTHROUGH server gets a chain per matching tls route, by the route's SNI hosts, proxying without terminating; a TCP
 * server gets the tcp_proxy of its tcp route. A server with nothing to proxy to gets no filter chain, and a port without any
 * no listener. An unprivileged router skips ports below 1024 (Istio's CanBindToPort).
 */
public final class GatewayListenerGenerator implements XdsGenerator {

    @Override
    public List<XdsResource> generate(ProxyView proxy, PushContext push, ResourceNames names) {
        MergedGateway merged = push.mergedGateway(proxy.labels(), proxy.addresses());
        String wildcard = proxy.ipFamily() == ProxyView.IpFamily.IPV6 ? "::" : OutboundListener.WILDCARD;
        List<XdsResource> out = new ArrayList<>();
        for (MergedGateway.ServerPort port : merged.ports()) {
            if (!proxy.canBind(port.number())) {
                continue;
            }
            String name = OutboundListener.name(wildcard, port.number());
            if (!names.includes(name)) {
                continue;
            }
            List<FilterChain> chains = filterChains(proxy, push, port, "outbound_" + name);
            if (chains.isEmpty()) {
                continue;
            }
            Listener.Builder l = Listener.newBuilder()
                    .setName(name)
                    .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                            .setAddress(wildcard)
                            .setPortValue(port.number())))
                    .setTrafficDirection(TrafficDirection.OUTBOUND)
                    .addAllFilterChains(chains);
            out.add(new XdsResource(name, SniInspection.addIfNeeded(l).build()));
        }
        return out;
    }

    private static List<FilterChain> filterChains(ProxyView proxy, PushContext push, MergedGateway.ServerPort port, String statPrefix) {
        if (port.isHttp()) {
            return List.of(FilterChain.newBuilder().addFilters(connectionManager(statPrefix, port.routeName())).build());
        }
        List<FilterChain> out = new ArrayList<>();
        Set<String> passthroughSni = new HashSet<>();
        for (MergedGateway.GatewayServer s : port.servers()) {
            if (s.passesThrough()) {
                out.addAll(passthroughChains(proxy, push, s, port.number(), passthroughSni));
                continue;
            }
            Optional<Filter> filter;
            if (s.routeName().isEmpty()) {
                filter = TcpRoutes.forGateway(proxy, push, boundVirtualServices(proxy, push, s), port.number(), s.gatewayName());
            } else {
                filter = Optional.of(connectionManager(s.server().name().isEmpty() ? statPrefix : s.server().name(), s.routeName()));
            }
            if (filter.isEmpty()) {
                continue;
            }
            FilterChain.Builder chain = FilterChain.newBuilder().addFilters(filter.get());
            if (s.terminatesTls()) {
                chain.setTransportSocket(GatewayTls.transportSocket(s.server().tls().get()))
                        // Istio's default: a TLS handshake that takes longer is cut (slow-handshake attacks).
                        .setTransportSocketConnectTimeout(Durations.fromSeconds(15));
            }
            List<String> sni = s.sniHosts();
            if (s.isTls() && !sni.contains("*")) {
                chain.setFilterChainMatch(FilterChainMatch.newBuilder().addAllServerNames(sni));
            }
            out.add(chain.build());
        }
        return out;
    }

    /**
     * Istio's buildGatewayNetworkFiltersFromTLSRoutes: a filter chain per tls route match of the VirtualServices bound
     * to the server's gateway (hosts the server admits), that fits the port and gateway, matching its SNI hosts and
     * proxying to its destinations without terminating TLS. A match whose SNI hosts an earlier one on the port already
     * took is skipped (Envoy rejects two chains with the same match), as Istio skips it.
     */
    private static List<FilterChain> passthroughChains(ProxyView proxy, PushContext push, MergedGateway.GatewayServer s, int port,
                                                       Set<String> taken) {
        List<FilterChain> out = new ArrayList<>();
        for (VirtualService vs : boundVirtualServices(proxy, push, s)) {
            for (TlsRoute route : vs.tls()) {
                if (route.route().isEmpty()) {
                    continue;
                }
                for (TlsRoute.TlsMatch m : route.match()) {
                    boolean fits = (m.port() == 0 || m.port() == port) && (m.gateways().isEmpty() || m.gateways().contains(s.gatewayName()));
                    if (!fits || m.sniHosts().stream().anyMatch(taken::contains)) {
                        continue;
                    }
                    taken.addAll(m.sniHosts());
                    FilterChain.Builder chain = FilterChain.newBuilder().addFilters(TcpRoutes.filter(proxy, push, vs, route.route(), port));
                    if (!m.sniHosts().contains("*")) {
                        chain.setFilterChainMatch(FilterChainMatch.newBuilder().addAllServerNames(new TreeSet<>(m.sniHosts())));
                    }
                    out.add(chain.build());
                }
            }
        }
        return out;
    }

    /** The VirtualServices bound to the server's gateway with a host the server admits. */
    private static List<VirtualService> boundVirtualServices(ProxyView proxy, PushContext push, MergedGateway.GatewayServer s) {
        List<VirtualService> out = new ArrayList<>();
        for (VirtualService vs : push.virtualServicesForGateway(proxy.namespace(), s.gatewayName())) {
            if (!GatewayHosts.intersection(GatewayHosts.forNamespace(s.hosts(), vs.meta().namespace()), vs.hosts()).isEmpty()) {
                out.add(vs);
            }
        }
        return out;
    }

    /**
     * Istio's gateway connection manager: the client is at the edge, so its address is the remote address
     * (use_remote_address), no x-forwarded-for hop is trusted, and client certificate details are sanitised and set.
     */
    private static Filter connectionManager(String statPrefix, String routeName) {
        HttpConnectionManager hcm = HttpConnectionManagers.rds(statPrefix, routeName)
                .setUseRemoteAddress(BoolValue.of(true))
                .setForwardClientCertDetails(HttpConnectionManager.ForwardClientCertDetails.SANITIZE_SET)
                .setSetCurrentClientCertDetails(HttpConnectionManager.SetCurrentClientCertDetails.newBuilder()
                        .setSubject(BoolValue.of(true))
                        .setCert(true)
                        .setDns(true)
                        .setUri(true))
                .build();
        return HttpConnectionManagers.filter(hcm);
    }
}
