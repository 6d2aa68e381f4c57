package io.pilot4j.translate.route;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.model.SubsetKey;
import io.pilot4j.model.networking.VirtualService;
import io.pilot4j.translate.ProxyView;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One virtual host {@code HOST:PORT} per visible service with a routable port PORT (Istio's
 * BuildSidecarOutboundVirtualHosts), each with the routes of the VirtualService that routes the host, or the default
 * route to its cluster. Only services get virtual hosts: a VirtualService host that names no service (an external
 * name without a ServiceEntry) gets none yet.
 *
 * <p>Envoy rejects a route config in which two virtual hosts share a domain, so each domain goes to the first
 * service by hostname that claims it, and an alternate short form never takes a name that is some service's
 * real hostname (Istio's dedupeDomains). A service left with no domain gets no virtual host.
 */
public final class OutboundVirtualHosts {
    private OutboundVirtualHosts() {
    }

    /**
     * @param portInDomains add {@code :PORT} variants (proxyless gRPC); Envoy sidecars ignore the port instead
     * @param routable      which ports of this number are served through HTTP routes
     */
    public static List<VirtualHost> forPort(ProxyView proxy, PushContext push, int port, boolean portInDomains,
                                            Predicate<ServicePort> routable) {
        List<Service> services = new ArrayList<>();
        Set<String> knownFqdns = new HashSet<>();
        for (Service s : proxy.visibleServices(push)) {
            Optional<ServicePort> p = s.port(port);
            if (p.isPresent() && routable.test(p.get())) {
                services.add(s);
                knownFqdns.add(s.hostname());
                knownFqdns.add(VirtualHostDomains.hostPort(s.hostname(), port));
            }
        }
        Set<String> taken = new HashSet<>();
        List<VirtualHost> out = new ArrayList<>();
        for (Service s : services) {
            VirtualHostDomains.Result generated = VirtualHostDomains.of(s, proxy, portInDomains ? port : 0);
            List<String> domains = new ArrayList<>();
            for (String d : generated.domains()) {
                // An expanded short form must not shadow a real hostname ("foo.com" from "foo.com.ns.svc...").
                boolean shadowsFqdn = generated.altHosts().contains(d) && knownFqdns.contains(d);
                if (!shadowsFqdn && taken.add(d.toLowerCase(Locale.ROOT))) {
                    domains.add(d);
                }
            }
            if (domains.isEmpty()) {
                continue;
            }
            out.add(VirtualHost.newBuilder()
                    .setName(VirtualHostDomains.hostPort(s.hostname(), port))
                    .addAllDomains(domains)
                    .addAllRoutes(routes(proxy, push, s, port))
                    // Istio's default proxy headers: upstreams see x-envoy-attempt-count.
                    .setIncludeRequestAttemptCount(true)
                    .build());
        }
        out.sort(Comparator.comparing(VirtualHost::getName));
        return out;
    }

    /**
     * The VirtualService's routes for the port when one routes this host (then a request no route matches gets a
     * 404, as in Istio), else the default route to the service's cluster.
     */
    private static List<Route> routes(ProxyView proxy, PushContext push, Service s, int port) {
        Optional<VirtualService> vs = push.virtualService(proxy.namespace(), s.hostname());
        if (vs.isPresent()) {
            List<Route> routes = VirtualServiceRoutes.build(proxy, push, vs.get(), s, port);
            if (!routes.isEmpty()) {
                return routes;
            }
        }
        return List.of(DefaultRoute.to(SubsetKey.outbound(s.hostname(), port).toString(), s.hostname(), port));
    }
}
