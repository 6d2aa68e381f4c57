package io.pilot4j.model.networking;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Istio's TLSRoute: TLS connections routed by SNI without terminating them. */
public record TlsRoute(List<TlsMatch> match, List<RouteDestination> route) {

    /** Istio's TLSMatchAttributes; {@code sniHosts} is required, {@code port} 0 for any. */
    public record TlsMatch(List<String> sniHosts, List<String> destinationSubnets, int port, Map<String, String> sourceLabels,
                           List<String> gateways, String sourceNamespace) {
        public TlsMatch {
            sniHosts = List.copyOf(sniHosts);
            destinationSubnets = List.copyOf(destinationSubnets);
            sourceLabels = Map.copyOf(sourceLabels);
            gateways = List.copyOf(gateways);
            sourceNamespace = Objects.requireNonNullElse(sourceNamespace, "");
        }
    }

    public TlsRoute {
        match = List.copyOf(match);
        route = List.copyOf(route);
    }
}
