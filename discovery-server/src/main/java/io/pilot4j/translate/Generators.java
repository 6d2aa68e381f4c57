package io.pilot4j.translate;

import io.envoyproxy.controlplane.cache.Resources;
import io.pilot4j.translate.cluster.ClusterGenerator;
import io.pilot4j.translate.endpoint.EndpointGenerator;
import io.pilot4j.translate.gateway.GatewayListenerGenerator;
import io.pilot4j.translate.gateway.GatewayRouteGenerator;
import io.pilot4j.translate.grpc.GrpcClusterGenerator;
import io.pilot4j.translate.grpc.GrpcListenerGenerator;
import io.pilot4j.translate.grpc.GrpcRouteGenerator;
import io.pilot4j.translate.listener.ListenerGenerator;
import io.pilot4j.translate.route.RouteGenerator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which generator answers which xDS type for a proxy (Istio picks by node metadata GENERATOR and node type).
 * The maps iterate CDS, EDS, LDS, RDS: the order Envoy wants a full push in, so nothing references a resource
 * it has not been sent yet.
 */
public final class Generators {
    private static final EndpointGenerator EDS = new EndpointGenerator();

    private static final Map<String, XdsGenerator> SIDECAR =
            byType(new ClusterGenerator(), new ListenerGenerator(), new RouteGenerator());
    /** Gateways: every cluster, and listeners and routes from the Gateways that select them. */
    private static final Map<String, XdsGenerator> ROUTER =
            byType(new ClusterGenerator(), new GatewayListenerGenerator(), new GatewayRouteGenerator());
    private static final Map<String, XdsGenerator> PROXYLESS_GRPC =
            byType(new GrpcClusterGenerator(), new GrpcListenerGenerator(), new GrpcRouteGenerator());

    private Generators() {
    }

    /** Type URL to generator, by the view's flavour. */
    public static Map<String, XdsGenerator> forView(ProxyView view) {
        return switch (view.flavour()) {
            case PROXYLESS_GRPC -> PROXYLESS_GRPC;
            case ROUTER -> ROUTER;
            case SIDECAR -> SIDECAR;
        };
    }

    private static Map<String, XdsGenerator> byType(XdsGenerator cds, XdsGenerator lds, XdsGenerator rds) {
        Map<String, XdsGenerator> m = new LinkedHashMap<>();
        m.put(Resources.V3.CLUSTER_TYPE_URL, cds);
        m.put(Resources.V3.ENDPOINT_TYPE_URL, EDS);
        m.put(Resources.V3.LISTENER_TYPE_URL, lds);
        m.put(Resources.V3.ROUTE_TYPE_URL, rds);
        return Collections.unmodifiableMap(m);
    }
}
