package io.pilot4j.translate.listener;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;

/**
 * The HTTP filters Istio puts before the router in every outbound connection manager, empty: routes switch them on
 * with their own configuration under the filter's name in typed_per_filter_config (a VirtualService's fault and
 * corsPolicy). A filter not in the chain would silently ignore its per-route configuration.
 */
public final class HttpFilters {
    public static final String FAULT = "envoy.filters.http.fault";
    public static final String CORS = "envoy.filters.http.cors";

    private static final HttpFilter FAULT_FILTER = HttpFilter.newBuilder()
            .setName(FAULT)
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance()))
            .build();
    private static final HttpFilter CORS_FILTER = HttpFilter.newBuilder()
            .setName(CORS)
            .setTypedConfig(Any.pack(Cors.getDefaultInstance()))
            .build();

    private HttpFilters() {
    }

    public static HttpFilter fault() {
        return FAULT_FILTER;
    }

    public static HttpFilter cors() {
        return CORS_FILTER;
    }
}
