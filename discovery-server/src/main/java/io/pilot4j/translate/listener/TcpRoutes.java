package io.pilot4j.translate.listener;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.model.SubsetKey;
import io.pilot4j.model.networking.Destination;
import io.pilot4j.model.networking.RouteDestination;
import io.pilot4j.model.networking.TcpRoute;
import io.pilot4j.model.networking.TlsRoute;
import io.pilot4j.model.networking.VirtualService;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.route.VirtualServiceRoutes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The filter chains of a sidecar's TCP listener for one service port (Istio's buildSidecarOutboundTCPTLSFilterChainOpts
 * with the VirtualService routing the host), and the tcp_proxy filters of tcp and tls routes, which gateways share.
 *
 * <p>On a TLS or HTTPS port, each tls route match that fits the proxy (port, gateway {@code mesh}, sourceLabels,
 * sourceNamespace) gets a chain matching its SNI hosts (and destinationSubnets), proxying without terminating TLS,
 * less the hosts an earlier match took on the same subnets (Envoy rejects a listener where two chains match one
 * name); a match left with none is skipped. On other ports, tcp routes: a fitting match without destinationSubnets
 * and sourceSubnet ends the list (Istio's terminal match); fitting matches with subnets get a chain on those
 * destination ranges from their source subnet, less the ranges an earlier route took from it. Last, unless a terminal route came, the default chain to the
 * service's own cluster, on a TLS port without VIP matched by the service's hostname as SNI (Istio's default for
 * services sharing {@code 0.0.0.0_PORT}).
 */
public final class TcpRoutes {
    private TcpRoutes() {
    }

    /**
     * @param sharedAddress the listener is on the wildcard address, which services without a VIP share: the default
     *                      chain of a TLS port then matches by SNI
     */
    public static List<FilterChain> chains(ProxyView proxy, PushContext push, Service service, int port, boolean sharedAddress) {
        Optional<VirtualService> vs = push.virtualService(proxy.namespace(), service.hostname());
        Protocol protocol = service.port(port).map(ServicePort::protocol).orElse(Protocol.TCP);
        boolean tlsPort = protocol == Protocol.TLS || protocol == Protocol.HTTPS;
        List<FilterChain> out = new ArrayList<>();
        boolean tlsRouted = false;
        if (vs.isPresent() && tlsPort) {
            // SNI hosts an earlier match took on the same destination ranges: Envoy refuses two chains matching one name.
            Map<List<CidrRange>, Set<String>> takenSni = new HashMap<>();
            for (TlsRoute route : vs.get().tls()) {
                for (TlsRoute.TlsMatch m : route.match()) {
                    if (route.route().isEmpty() || !fits(proxy, port, m.port(), m.gateways(), m.sourceLabels(), m.sourceNamespace())) {
                        continue;
                    }
                    List<CidrRange> destinations = cidrs(m.destinationSubnets());
                    Set<String> taken = takenSni.computeIfAbsent(destinations, d -> new HashSet<>());
                    Set<String> sni = new TreeSet<>(m.sniHosts());
                    sni.removeAll(taken);
                    if (sni.isEmpty()) {
                        continue;
                    }
                    taken.addAll(sni);
                    FilterChainMatch match = FilterChainMatch.newBuilder().addAllServerNames(sni).addAllPrefixRanges(destinations).build();
                    out.add(FilterChain.newBuilder().setFilterChainMatch(match).addFilters(filter(proxy, push, vs.get(), route.route(), port)).build());
                    tlsRouted = true;
                }
            }
        }
        // Istio applies tcp routes to ports that are not TLS: on those the tls routes decide.
        if (vs.isPresent() && !tlsPort) {
            // Destination ranges an earlier route took from the same source subnet ("" for any source), and the source
            // subnets whose every destination one took.
            Map<String, Set<CidrRange>> takenRanges = new HashMap<>();
            Set<String> takenSources = new HashSet<>();
            for (TcpRoute route : vs.get().tcp()) {
                if (route.route().isEmpty()) {
                    continue;
                }
                if (route.match().isEmpty()) {
                    out.add(FilterChain.newBuilder().addAllFilters(NetworkFilters.stack(protocol, filter(proxy, push, vs.get(), route.route(), port))).build());
                    return out;
                }
                Map<String, List<String>> subnetsBySource = new TreeMap<>();
                for (TcpRoute.L4Match m : route.match()) {
                    if (!fits(proxy, port, m.port(), m.gateways(), m.sourceLabels(), m.sourceNamespace())) {
                        continue;
                    }
                    if (m.destinationSubnets().isEmpty() && m.sourceSubnet().isEmpty()) {
                        out.add(FilterChain.newBuilder().addAllFilters(NetworkFilters.stack(protocol, filter(proxy, push, vs.get(), route.route(), port))).build());
                        return out;
                    }
                    subnetsBySource.computeIfAbsent(m.sourceSubnet(), k -> new ArrayList<>()).addAll(m.destinationSubnets());
                }
                for (Map.Entry<String, List<String>> e : subnetsBySource.entrySet()) {
                    Set<CidrRange> taken = takenRanges.computeIfAbsent(e.getKey(), k -> new HashSet<>());
                    List<CidrRange> ranges = new ArrayList<>(cidrs(e.getValue()));
                    if (ranges.isEmpty()) {
                        if (!takenSources.add(e.getKey())) {
                            continue;
                        }
                    } else {
                        ranges.removeAll(taken);
                        if (ranges.isEmpty()) {
                            continue;
                        }
                        taken.addAll(ranges);
                    }
                    FilterChainMatch.Builder match = FilterChainMatch.newBuilder().addAllPrefixRanges(ranges);
                    if (!e.getKey().isEmpty()) {
                        match.addAllSourcePrefixRanges(cidrs(List.of(e.getKey())));
                    }
                    out.add(FilterChain.newBuilder()
                            .setFilterChainMatch(match)
                            .addAllFilters(NetworkFilters.stack(protocol, filter(proxy, push, vs.get(), route.route(), port)))
                            .build());
                }
            }
        }
        if (!tlsRouted) {
            FilterChain.Builder fallback = FilterChain.newBuilder()
                    .addAllFilters(NetworkFilters.stack(protocol, TcpProxyFilter.to(proxy, push, SubsetKey.outbound(service.hostname(), port).toString(),
                            service.hostname(), "", port)));
            if (sharedAddress && (protocol == Protocol.TLS || protocol == Protocol.HTTPS)) {
                fallback.setFilterChainMatch(FilterChainMatch.newBuilder().addServerNames(service.hostname()));
            }
            out.add(fallback.build());
        }
        return out;
    }

    /**
     * The tcp_proxy of a gateway's TCP server (Istio's buildGatewayNetworkFiltersFromTCPRoutes): the first tcp route,
     * among the VirtualServices bound to the gateway in order, whose match fits the server's port and the gateway
     * (Istio's l4MultiMatch: only those two are read; and no sourceSubnet); empty when none does, and the server then gets
     * no filter chain.
     *
     * @param bound the VirtualServices bound to the gateway whose hosts the server admits
     */
    public static Optional<Filter> forGateway(ProxyView proxy, PushContext push, List<VirtualService> bound, int port, String gateway) {
        for (VirtualService vs : bound) {
            for (TcpRoute route : vs.tcp()) {
                if (route.route().isEmpty()) {
                    continue;
                }
                // A gateway server has one tcp_proxy for every client: a match for some sources never fits it, lest
                // their route serve all.
                boolean fits = route.match().isEmpty() || route.match().stream().anyMatch(m -> (m.port() == 0 || m.port() == port)
                        && (m.gateways().isEmpty() || m.gateways().contains(gateway)) && m.sourceSubnet().isEmpty());
                if (fits) {
                    return Optional.of(filter(proxy, push, vs, route.route(), port));
                }
            }
        }
        return Optional.empty();
    }

    /** The matches Istio evaluates while generating (matchTCP, matchTLS); SNI and subnets are left to Envoy. */
    private static boolean fits(ProxyView proxy, int port, int matchPort, List<String> gateways, Map<String, String> sourceLabels,
                                String sourceNamespace) {
        return (matchPort == 0 || matchPort == port)
                && (gateways.isEmpty() || gateways.contains(VirtualService.MESH_GATEWAY))
                && (sourceNamespace.isEmpty() || sourceNamespace.equals(proxy.namespace()))
                && proxy.labels().entrySet().containsAll(sourceLabels.entrySet());
    }

    /** Subnets as Envoy's ranges; a bare address is a host route (/32 or /128). Validation checked the syntax. */
    static List<CidrRange> cidrs(List<String> subnets) {
        List<CidrRange> out = new ArrayList<>(subnets.size());
        for (String subnet : new TreeSet<>(subnets)) {
            int slash = subnet.indexOf('/');
            String address = slash < 0 ? subnet : subnet.substring(0, slash);
            int length = slash < 0 ? (address.contains(":") ? 128 : 32) : Integer.parseInt(subnet.substring(slash + 1));
            out.add(CidrRange.newBuilder().setAddressPrefix(address).setPrefixLen(UInt32Value.of(length)).build());
        }
        return out;
    }

    /**
     * Istio's single-destination and weighted-cluster tcp_proxy; a 0 weight next to others gets no traffic. A split
     * takes the TCP settings of its first destination host's DestinationRule, for no subset: a tcp_proxy has one
     * idle timeout and hash policy for all its clusters.
     */
    public static Filter filter(ProxyView proxy, PushContext push, VirtualService vs, List<RouteDestination> destinations, int port) {
        if (destinations.size() == 1) {
            Destination d = destinations.get(0).destination();
            return TcpProxyFilter.to(proxy, push, VirtualServiceRoutes.cluster(push, d, port), d.host(), d.subset(), clusterPort(push, d, port));
        }
        TcpProxy.WeightedCluster.Builder weighted = TcpProxy.WeightedCluster.newBuilder();
        for (RouteDestination d : destinations) {
            if (d.weight() > 0) {
                weighted.addClusters(TcpProxy.WeightedCluster.ClusterWeight.newBuilder()
                        .setName(VirtualServiceRoutes.cluster(push, d.destination(), port))
                        .setWeight(d.weight()));
            }
        }
        TcpProxy.Builder tcp = TcpProxy.newBuilder()
                // Istio's stat prefix for a split: the VirtualService's name.namespace.
                .setStatPrefix(vs.meta().name() + "." + vs.meta().namespace())
                .setWeightedClusters(weighted);
        Destination first = destinations.get(0).destination();
        TcpProxyFilter.applyRule(tcp, proxy, push, first.host(), "", clusterPort(push, first, port));
        return TcpProxyFilter.filter(tcp);
    }

    /** The port of the destination's cluster, as {@link VirtualServiceRoutes#cluster} names it. */
    private static int clusterPort(PushContext push, Destination d, int port) {
        return SubsetKey.parse(VirtualServiceRoutes.cluster(push, d, port)).map(SubsetKey::port).orElse(port);
    }
}
