package io.pilot4j.translate.grpc;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.model.SubsetKey;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;
import io.pilot4j.translate.route.OutboundVirtualHosts;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * RDS for proxyless gRPC (Istio's grpcgen BuildHTTPRoutes): route config {@code outbound|PORT||FQDN} holds that
 * service's virtual host, with {@code host:port} domains because grpc-java matches the full authority and has no
 * ignore_port_in_host_matching. No catch-all: a gRPC channel only ever targets its one service.
 *
 * <p>Domains are assigned across all services on the port first, exactly as for Envoy, and only then narrowed
 * to the requested service (as Istio does since it stopped sending every service's host to every client).
 * A requested name for an unknown service is answered with an empty route config.
 */
public final class GrpcRouteGenerator implements XdsGenerator {

    @Override
    public List<XdsResource> generate(ProxyView proxy, PushContext push, ResourceNames names) {
        List<XdsResource> out = new ArrayList<>();
        for (String name : names.wildcard() ? routeNames(proxy, push) : names.names()) {
            Optional<SubsetKey> key = SubsetKey.parse(name);
            if (key.isEmpty()) {
                continue;
            }
            String wanted = key.get().hostname() + ":" + key.get().port();
            RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName(name);
            if (key.get().direction() == SubsetKey.Direction.OUTBOUND) {
                for (VirtualHost vh : OutboundVirtualHosts.forPort(proxy, push, key.get().port(), true, GrpcPorts::routable)) {
                    if (vh.getName().equals(wanted)) {
                        rc.addVirtualHosts(vh);
                    }
                }
            }
            out.add(new XdsResource(name, rc.build()));
        }
        return out;
    }

    // What the wildcard listeners point at; for debug dumps only.
    private static List<String> routeNames(ProxyView proxy, PushContext push) {
        List<String> out = new ArrayList<>();
        for (Service s : proxy.visibleServices(push)) {
            for (ServicePort p : s.ports()) {
                if (GrpcPorts.routable(p)) {
                    out.add(SubsetKey.outbound(s.hostname(), p.port()).toString());
                }
            }
        }
        return out;
    }
}
