package io.pilot4j.translate.listener;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;

/**
 * The terminal HTTP filter of every connection manager pilot4j builds. The typed_config is required by both
 * clients: grpc-java NACKs a router without one, and Envoy no longer resolves filters by name alone.
 */
public final class RouterFilter {
    public static final String NAME = "envoy.filters.http.router";

    private static final HttpFilter INSTANCE = HttpFilter.newBuilder()
            .setName(NAME)
            .setTypedConfig(Any.pack(Router.getDefaultInstance()))
            .build();

    private RouterFilter() {
    }

    public static HttpFilter get() {
        return INSTANCE;
    }
}
