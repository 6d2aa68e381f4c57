package io.pilot4j.translate.gateway;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.networking.Gateway;
import io.pilot4j.model.networking.MergedGateway;
import io.pilot4j.model.networking.VirtualService;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.route.VirtualServiceRoutes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The virtual hosts of one gateway route config (Istio's buildGatewayHTTPRouteConfig): for each server, the
 * VirtualServices bound to its gateway that the router's namespace sees, each for the hosts both it and the server
 * name; one virtual host per host, {@code HOST:PORT}, whose domain is the host. VirtualServices naming the same host
 * merge, as Istio merges them for gateways only: their routes in order, catch-all routes moved last so they do not
 * hide the others. Hosts with the very same routes then share one virtual host (Istio's route collapse). A Host no
 * virtual host claims gets Envoy's 404: there is no catch-all, and a route config with no host at all gets Istio's
 * {@code blackhole:PORT}, which routes nothing.
 */
final class GatewayVirtualHosts {
    private GatewayVirtualHosts() {
    }

    private static final class Host {
        final String name;
        final List<String> domains = new ArrayList<>();
        List<Route> routes;
        /** The one VirtualService's route list this host shares, or null once merged: hosts sharing one collapse. */
        Object routesOf;
        boolean requireTls;

        Host(String name, String domain, List<Route> routes, boolean requireTls) {
            this.name = name;
            this.domains.add(domain);
            this.routes = routes;
            this.routesOf = routes;
            this.requireTls = requireTls;
        }
    }

    static List<VirtualHost> build(ProxyView proxy, PushContext push, List<MergedGateway.GatewayServer> servers) {
        Map<String, Host> byHost = new HashMap<>();
        Map<String, List<Route>> routesByGatewayAndVs = new HashMap<>();
        for (MergedGateway.GatewayServer server : servers) {
            String gateway = server.gatewayName();
            int port = server.server().port();
            boolean redirect = server.server().tls().map(Gateway.ServerTlsSettings::httpsRedirect).orElse(false);
            for (VirtualService vs : push.virtualServicesForGateway(proxy.namespace(), gateway)) {
                List<String> hosts = GatewayHosts.intersection(GatewayHosts.forNamespace(server.hosts(), vs.meta().namespace()), vs.hosts());
                if (hosts.isEmpty()) {
                    continue;
                }
                List<Route> routes = routesByGatewayAndVs.computeIfAbsent(gateway + " " + vs.meta(),
                        k -> List.copyOf(VirtualServiceRoutes.build(proxy, push, vs, port, gateway)));
                if (routes.isEmpty()) {
                    continue;
                }
                for (String h : hosts) {
                    Host existing = byHost.get(h);
                    if (existing == null) {
                        byHost.put(h, new Host(hostPort(h, port), h, routes, redirect));
                    } else {
                        List<Route> mergedRoutes = new ArrayList<>(existing.routes);
                        mergedRoutes.addAll(routes);
                        existing.routes = mergedRoutes;
                        existing.routesOf = null;
                        existing.requireTls |= redirect;
                    }
                }
            }
            if (redirect) {
                // Every host of an httpsRedirect server answers with a redirect to https, routed or not.
                for (String h : server.sniHosts()) {
                    String host = h.toLowerCase(Locale.ROOT);
                    Host existing = byHost.get(host);
                    if (existing != null) {
                        existing.requireTls = true;
                    } else {
                        byHost.put(host, new Host(hostPort(host, port), host, List.of(), true));
                    }
                }
            }
        }
        if (byHost.isEmpty()) {
            return List.of(VirtualHost.newBuilder()
                    .setName(hostPort("blackhole", servers.get(0).server().port()))
                    .addDomains("*")
                    .build());
        }
        List<VirtualHost> out = new ArrayList<>();
        for (Host h : collapse(byHost)) {
            VirtualHost.Builder vh = VirtualHost.newBuilder()
                    .setName(h.name)
                    .addAllDomains(h.domains)
                    .addAllRoutes(catchAllLast(h.routes))
                    // Istio's default proxy headers: upstreams see x-envoy-attempt-count.
                    .setIncludeRequestAttemptCount(true);
            if (h.requireTls) {
                vh.setRequireTls(VirtualHost.TlsRequirementType.ALL);
            }
            out.add(vh.build());
        }
        out.sort(Comparator.comparing(VirtualHost::getName));
        return out;
    }

    /** Istio's collapseDuplicateRoutes: in host order, a host with the same routes as an earlier one joins it. */
    private static List<Host> collapse(Map<String, Host> byHost) {
        List<Host> out = new ArrayList<>();
        Map<Object, Host> firstWithRoutes = new LinkedHashMap<>();
        for (Host h : new TreeMap<>(byHost).values()) {
            Host earlier = h.routesOf == null ? null : firstWithRoutes.get(new Identity(h.routesOf));
            if (earlier != null && earlier.requireTls == h.requireTls) {
                earlier.domains.addAll(h.domains);
                continue;
            }
            if (h.routesOf != null) {
                firstWithRoutes.putIfAbsent(new Identity(h.routesOf), h);
            }
            out.add(h);
        }
        return out;
    }

    /** Compares by reference, as Istio compares route list pointers. */
    private record Identity(Object o) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Identity i && i.o == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(o);
        }
    }

    /** Istio's SortVHostRoutes: catch-all routes (path prefix "/" or regex ".*", nothing else) after the others. */
    private static List<Route> catchAllLast(List<Route> routes) {
        List<Route> out = new ArrayList<>();
        List<Route> catchAll = new ArrayList<>();
        for (Route r : routes) {
            (isCatchAll(r) ? catchAll : out).add(r);
        }
        out.addAll(catchAll);
        return out;
    }

    private static boolean isCatchAll(Route r) {
        var m = r.getMatch();
        boolean path = switch (m.getPathSpecifierCase()) {
            case PREFIX -> m.getPrefix().equals("/");
            case PATH_SEPARATED_PREFIX -> m.getPathSeparatedPrefix().equals("/");
            case SAFE_REGEX -> m.getSafeRegex().getRegex().equals(".*");
            default -> false;
        };
        return path && m.getHeadersCount() == 0 && m.getQueryParametersCount() == 0 && m.getDynamicMetadataCount() == 0;
    }

    /** Go's net.JoinHostPort, as Istio's util.DomainName. */
    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
