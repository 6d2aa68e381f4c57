package io.pilot4j.translate.route;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;

/**
 * The route a service gets without a VirtualService (Istio's BuildDefaultHTTPOutboundRoute): everything to the
 * service's cluster, no timeout, and the mesh's default retry policy.
 */
public final class DefaultRoute {
    public static final String NAME = "default";

    /**
     * Istio's default HTTP retry: two retries of failures that never reached the application or that it marked
     * retriable, each on a host not tried yet. grpc-java reads the same policy and keeps the gRPC codes it knows
     * (unavailable, cancelled); it ignores the host predicate.
     */
    static final RetryPolicy RETRY = RetryPolicy.newBuilder()
            .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
            .setNumRetries(UInt32Value.of(2))
            .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
                    .setName("envoy.retry_host_predicates.previous_hosts")
                    .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
            .setHostSelectionRetryMaxAttempts(5)
            .build();

    private DefaultRoute() {
    }

    @SuppressWarnings("deprecation") // max_grpc_timeout: see below
    public static Route to(String cluster, String hostname, int port) {
        return Route.newBuilder()
                .setName(NAME)
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setDecorator(Decorator.newBuilder().setOperation(VirtualHostDomains.hostPort(hostname, port) + "/*"))
                .setRoute(RouteAction.newBuilder()
                        .setCluster(cluster)
                        // 0s disables Envoy's 15s default: long calls and streams are the application's business.
                        .setTimeout(Durations.ZERO)
                        .setRetryPolicy(RETRY)
                        // Nor cap gRPC calls by their grpc-timeout header. Istio still sends this deprecated field:
                        // its replacement, max_stream_duration, changed behaviour in some Envoy versions.
                        .setMaxGrpcTimeout(Durations.ZERO))
                .build();
    }
}
