package io.pilot4j.translate.route;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.pilot4j.model.Protocol;

/**
 * The routes of a sidecar's inbound HTTP chain (Istio's buildSidecarInboundHTTPRouteConfig): every request to the
 * workload's cluster, named as that cluster; one virtual host {@code inbound|http|PORT} for any authority, since
 * the request already reached the workload it names.
 */
public final class InboundRoute {
    /** Istio's default inbound retry: requests the application never saw are tried once more, twice at most. */
    static final RetryPolicy RETRY = RetryPolicy.newBuilder()
            .setRetryOn("reset-before-request")
            .setNumRetries(UInt32Value.of(2))
            .build();

    private InboundRoute() {
    }

    /**
     * @param cluster     the inbound cluster, also the configuration's name
     * @param hostname    the service the chain is for, in the tracing operation; empty for the passthrough chain
     * @param servicePort the service port: the virtual host's name and the operation's port (0 for passthrough)
     * @param protocol    gRPC ports get no retry: a reset before the request is no safe signal for a stream
     */
    public static RouteConfiguration build(String cluster, String hostname, int servicePort, Protocol protocol) {
        RouteAction.Builder action = RouteAction.newBuilder()
                .setCluster(cluster)
                // The workload decides how long its calls take: no timeout, and no cap from grpc-timeout headers.
                .setTimeout(Durations.ZERO)
                .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
                        .setMaxStreamDuration(Durations.ZERO)
                        .setGrpcTimeoutHeaderMax(Durations.ZERO));
        if (protocol != Protocol.GRPC && protocol != Protocol.GRPC_WEB) {
            action.setRetryPolicy(RETRY);
        }
        Route route = Route.newBuilder()
                .setName(DefaultRoute.NAME)
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setDecorator(Decorator.newBuilder().setOperation(VirtualHostDomains.hostPort(hostname, servicePort) + "/*"))
                .setRoute(action)
                .build();
        return RouteConfiguration.newBuilder()
                .setName(cluster)
                .addVirtualHosts(VirtualHost.newBuilder()
                        .setName("inbound|http|" + servicePort)
                        .addDomains("*")
                        .addRoutes(route))
                .setValidateClusters(BoolValue.of(false))
                .build();
    }
}
