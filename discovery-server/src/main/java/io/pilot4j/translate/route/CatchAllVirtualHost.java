package io.pilot4j.translate.route;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.translate.cluster.CatchAllClusters;

/**
 * The last virtual host of every sidecar route config, for Host values no service claims (Istio's
 * buildCatchAllVirtualHost): {@code allow_any} passes them through, {@code block_all} answers 502.
 */
public final class CatchAllVirtualHost {
    public static final String ALLOW_ANY = "allow_any";
    public static final String BLOCK_ALL = "block_all";

    private CatchAllVirtualHost() {
    }

    public static VirtualHost forMesh(MeshConfig mesh) {
        return forPolicy(mesh.allowAnyOutbound());
    }

    /** @param allowAny the proxy's outbound traffic policy is ALLOW_ANY (see {@link io.pilot4j.translate.OutboundPolicy}) */
    @SuppressWarnings("deprecation") // max_grpc_timeout, as in DefaultRoute
    public static VirtualHost forPolicy(boolean allowAny) {
        String name = allowAny ? ALLOW_ANY : BLOCK_ALL;
        Route.Builder route = Route.newBuilder().setName(name).setMatch(RouteMatch.newBuilder().setPrefix("/"));
        if (allowAny) {
            route.setRoute(RouteAction.newBuilder()
                    .setCluster(CatchAllClusters.PASSTHROUGH)
                    .setTimeout(Durations.ZERO)
                    .setMaxGrpcTimeout(Durations.ZERO));
        } else {
            route.setDirectResponse(DirectResponseAction.newBuilder().setStatus(502));
        }
        return VirtualHost.newBuilder()
                .setName(name)
                .addDomains("*")
                .addRoutes(route)
                .setIncludeRequestAttemptCount(true)
                .build();
    }
}
