package io.pilot4j.model.networking;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Istio's TCPRoute: connections matching any of {@code match} (or all, when empty) go to {@code route}. */
public record TcpRoute(List<L4Match> match, List<RouteDestination> route) {

    /**
     * Istio's L4MatchAttributes; {@code port} 0 for any, {@code sourceSubnet} empty for any source (Istio reads none,
     * pilot4j matches the client's address on it).
     */
    public record L4Match(List<String> destinationSubnets, int port, Map<String, String> sourceLabels,
                          List<String> gateways, String sourceNamespace, String sourceSubnet) {
        public L4Match {
            destinationSubnets = List.copyOf(destinationSubnets);
            sourceLabels = Map.copyOf(sourceLabels);
            gateways = List.copyOf(gateways);
            sourceNamespace = Objects.requireNonNullElse(sourceNamespace, "");
            sourceSubnet = Objects.requireNonNullElse(sourceSubnet, "");
        }
    }

    public TcpRoute {
        match = List.copyOf(match);
        route = List.copyOf(route);
    }
}
