package io.pilot4j.translate.gateway;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.networking.MergedGateway;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * RDS for routers (Istio's buildGatewayHTTPRouteConfig): route config {@code http.PORT} holds the virtual hosts of
 * every plain text HTTP server on the port, {@code https.PORT.NAME.GATEWAY.NAMESPACE} those of one HTTPS server. A name
 * no server has (a Gateway just deleted, whose listener Envoy is still draining) gets an empty route config, as in
 * Istio, rather than no answer.
 */
public final class GatewayRouteGenerator implements XdsGenerator {

    @Override
    public List<XdsResource> generate(ProxyView proxy, PushContext push, ResourceNames names) {
        MergedGateway merged = push.mergedGateway(proxy.labels(), proxy.addresses());
        Collection<String> wanted = names.wildcard() ? merged.routeNames() : names.names();
        List<XdsResource> out = new ArrayList<>();
        for (String name : wanted) {
            List<MergedGateway.GatewayServer> servers = merged.serversForRoute(name);
            RouteConfiguration.Builder rc = RouteConfiguration.newBuilder()
                    .setName(name)
                    // Clusters may arrive after routes: an unknown cluster must give 503s, not a rejected config.
                    .setValidateClusters(BoolValue.of(false));
            if (!servers.isEmpty()) {
                rc.addAllVirtualHosts(GatewayVirtualHosts.build(proxy, push, servers))
                        // Domains carry no ports: clients send "host" or "host:PORT" alike.
                        .setIgnorePortInHostMatching(true);
            }
            out.add(new XdsResource(name, rc.build()));
        }
        return out;
    }
}
