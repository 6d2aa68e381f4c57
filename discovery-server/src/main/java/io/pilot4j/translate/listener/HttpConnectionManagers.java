package io.pilot4j.translate.listener;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.pilot4j.translate.AdsConfigSource;

/**
 * The HTTP connection manager every Envoy listener of pilot4j shares (Istio's buildHTTPConnectionManager): routes
 * from RDS (inline on a sidecar's inbound chains), Istio's filter order, websockets, no stream idle timeout, RFC 3986
 * path normalisation. Sidecars and gateways then differ in whom they trust (use_remote_address and the client
 * certificate headers).
 */
public final class HttpConnectionManagers {
    public static final String NAME = "envoy.filters.network.http_connection_manager";

    private HttpConnectionManagers() {
    }

    public static HttpConnectionManager.Builder rds(String statPrefix, String routeConfigName) {
        return common(statPrefix)
                .setRds(Rds.newBuilder()
                        .setConfigSource(AdsConfigSource.forEnvoy())
                        .setRouteConfigName(routeConfigName));
    }

    /** With its routes inline, as Istio's sidecar inbound chains have them (they route to one local cluster). */
    public static HttpConnectionManager.Builder inline(String statPrefix, RouteConfiguration routes) {
        return common(statPrefix).setRouteConfig(routes);
    }

    private static HttpConnectionManager.Builder common(String statPrefix) {
        return HttpConnectionManager.newBuilder()
                .setStatPrefix(statPrefix)
                .setCodecType(HttpConnectionManager.CodecType.AUTO)
                // Istio's order: gRPC stats, fault and CORS (configured per route), then the router.
                .addHttpFilters(HttpFilters.grpcStats())
                .addHttpFilters(HttpFilters.fault())
                .addHttpFilters(HttpFilters.cors())
                .addHttpFilters(RouterFilter.get())
                // Websockets pass; long-lived gRPC streams are not cut by an idle timeout.
                .addUpgradeConfigs(HttpConnectionManager.UpgradeConfig.newBuilder().setUpgradeType("websocket"))
                .setStreamIdleTimeout(Durations.ZERO)
                .setNormalizePath(BoolValue.of(true))
                .setPathWithEscapedSlashesAction(HttpConnectionManager.PathWithEscapedSlashesAction.KEEP_UNCHANGED);
    }

    /** The network filter holding {@code hcm}. */
    public static Filter filter(HttpConnectionManager hcm) {
        return Filter.newBuilder().setName(NAME).setTypedConfig(Any.pack(hcm)).build();
    }
}
