package io.pilot4j.translate.listener;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.grpc_stats.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.grpc_web.v3.GrpcWeb;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;

/**
 * The HTTP filters Istio puts before the router in an Envoy connection manager: grpc_stats, which counts gRPC calls
 * by status (Istio's dashboards read them) and leaves the counts in filter state for access logs; then fault and CORS,
 * empty: routes switch them on with their own configuration under the filter's name in typed_per_filter_config (a
 * VirtualService's fault and corsPolicy). A filter not in the chain would silently ignore its per-route configuration.
 * grpc_web goes first on GRPC-Web ports, to turn browsers' gRPC-Web into gRPC.
 */
public final class HttpFilters {
    public static final String FAULT = "envoy.filters.http.fault";
    public static final String CORS = "envoy.filters.http.cors";
    public static final String GRPC_STATS = "envoy.filters.http.grpc_stats";
    public static final String GRPC_WEB = "envoy.filters.http.grpc_web";

    private static final HttpFilter FAULT_FILTER = HttpFilter.newBuilder()
            .setName(FAULT)
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance()))
            .build();
    private static final HttpFilter CORS_FILTER = HttpFilter.newBuilder()
            .setName(CORS)
            .setTypedConfig(Any.pack(Cors.getDefaultInstance()))
            .build();
    // Istio's: per-status counts, not per method (which would be a stat per method of every service).
    private static final HttpFilter GRPC_STATS_FILTER = HttpFilter.newBuilder()
            .setName(GRPC_STATS)
            .setTypedConfig(Any.pack(FilterConfig.newBuilder()
                    .setEmitFilterState(true)
                    .setStatsForAllMethods(BoolValue.of(false))
                    .build()))
            .build();
    private static final HttpFilter GRPC_WEB_FILTER = HttpFilter.newBuilder()
            .setName(GRPC_WEB)
            .setTypedConfig(Any.pack(GrpcWeb.getDefaultInstance()))
            .build();

    private HttpFilters() {
    }

    public static HttpFilter fault() {
        return FAULT_FILTER;
    }

    public static HttpFilter cors() {
        return CORS_FILTER;
    }

    public static HttpFilter grpcStats() {
        return GRPC_STATS_FILTER;
    }

    public static HttpFilter grpcWeb() {
        return GRPC_WEB_FILTER;
    }
}
