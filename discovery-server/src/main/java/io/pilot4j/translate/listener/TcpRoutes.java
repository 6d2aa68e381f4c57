package io.pilot4j.translate.listener;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.SubsetKey;
import io.pilot4j.model.networking.RouteDestination;
import io.pilot4j.model.networking.TcpRoute;
import io.pilot4j.model.networking.VirtualService;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.route.VirtualServiceRoutes;

import java.util.List;
import java.util.Optional;

/**
 * The tcp_proxy of a sidecar's TCP listener for one service port (Istio's buildSidecarOutboundTCPListenerOptsForPortOrUDS
 * with a VirtualService): the first tcp route of the VirtualService routing the host whose match fits this proxy and
 * port sends to its destinations, one cluster or weighted clusters; without one, the service's own cluster.
 * Matches on destinationSubnets (filter chain matches on the destination IP in Istio) are not supported yet: such a
 * match never fits.
 */
public final class TcpRoutes {
    private TcpRoutes() {
    }

    public static Filter filter(ProxyView proxy, PushContext push, Service service, int port) {
        Optional<VirtualService> vs = push.virtualService(proxy.namespace(), service.hostname());
        if (vs.isPresent()) {
            for (TcpRoute route : vs.get().tcp()) {
                if (fits(route, proxy, port) && !route.route().isEmpty()) {
                    return filter(push, vs.get(), route.route(), port);
                }
            }
        }
        return TcpProxyFilter.to(SubsetKey.outbound(service.hostname(), port).toString());
    }

    /**
     * The tcp_proxy of a gateway's TCP server (Istio's buildGatewayNetworkFiltersFromTCPRoutes): the first tcp route,
     * among the VirtualServices bound to the gateway in order, whose match fits the server's port and the gateway
     * (Istio's l4MultiMatch: only those two are read); empty when none does, and the server then gets no filter chain.
     *
     * @param bound the VirtualServices bound to the gateway whose hosts the server admits
     */
    public static Optional<Filter> forGateway(PushContext push, List<VirtualService> bound, int port, String gateway) {
        for (VirtualService vs : bound) {
            for (TcpRoute route : vs.tcp()) {
                if (route.route().isEmpty()) {
                    continue;
                }
                boolean fits = route.match().isEmpty() || route.match().stream().anyMatch(m -> (m.port() == 0 || m.port() == port)
                        && (m.gateways().isEmpty() || m.gateways().contains(gateway)));
                if (fits) {
                    return Optional.of(filter(push, vs, route.route(), port));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean fits(TcpRoute route, ProxyView proxy, int port) {
        if (route.match().isEmpty()) {
            return true;
        }
        for (TcpRoute.L4Match m : route.match()) {
            boolean fits = (m.port() == 0 || m.port() == port)
                    && m.destinationSubnets().isEmpty()
                    && m.sourceSubnet().isEmpty()
                    && (m.gateways().isEmpty() || m.gateways().contains(VirtualService.MESH_GATEWAY))
                    && (m.sourceNamespace().isEmpty() || m.sourceNamespace().equals(proxy.namespace()))
                    && proxy.labels().entrySet().containsAll(m.sourceLabels().entrySet());
            if (fits) {
                return true;
            }
        }
        return false;
    }

    /** Istio's single-destination and weighted-cluster tcp_proxy; a 0 weight next to others gets no traffic. */
    public static Filter filter(PushContext push, VirtualService vs, List<RouteDestination> destinations, int port) {
        if (destinations.size() == 1) {
            return TcpProxyFilter.to(VirtualServiceRoutes.cluster(push, destinations.get(0).destination(), port));
        }
        TcpProxy.WeightedCluster.Builder weighted = TcpProxy.WeightedCluster.newBuilder();
        for (RouteDestination d : destinations) {
            if (d.weight() > 0) {
                weighted.addClusters(TcpProxy.WeightedCluster.ClusterWeight.newBuilder()
                        .setName(VirtualServiceRoutes.cluster(push, d.destination(), port))
                        .setWeight(d.weight()));
            }
        }
        return Filter.newBuilder()
                .setName(TcpProxyFilter.NAME)
                .setTypedConfig(Any.pack(TcpProxy.newBuilder()
                        // Istio's stat prefix for a split: the VirtualService's name.namespace.
                        .setStatPrefix(vs.meta().name() + "." + vs.meta().namespace())
                        .setWeightedClusters(weighted)
                        .build()))
                .build();
    }
}
