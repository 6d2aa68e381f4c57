package io.pilot4j.translate.route;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.translate.OutboundPolicy;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;
import io.pilot4j.translate.listener.ProtocolSniffing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * RDS for Envoy sidecars: route config {@code "PORT"} holds the virtual hosts of every HTTP service on that port,
 * then the catch-all; {@code "HOST:PORT"} the one virtual host of a sniffed port ({@link ProtocolSniffing}). Other
 * names are skipped; a port without services still gets the catch-all, since its listener may exist for a service
 * that just went away.
 */
public final class RouteGenerator implements XdsGenerator {

    @Override
    public List<XdsResource> generate(ProxyView proxy, PushContext push, ResourceNames names) {
        List<XdsResource> out = new ArrayList<>();
        for (String name : names.wildcard() ? routeNames(proxy, push) : names.names()) {
            int colon = name.lastIndexOf(':');
            if (colon > 0) {
                sniffed(proxy, push, name, name.substring(0, colon), parsePort(name.substring(colon + 1))).ifPresent(out::add);
                continue;
            }
            int port = parsePort(name);
            if (port == 0) {
                continue;
            }
            RouteConfiguration rc = RouteConfiguration.newBuilder()
                    .setName(name)
                    .addAllVirtualHosts(OutboundVirtualHosts.forPort(proxy, push, port, false, p -> p.protocol().isHttp()))
                    .addVirtualHosts(CatchAllVirtualHost.forPolicy(OutboundPolicy.allowAny(proxy, push)))
                    // Clusters may arrive after routes (or be a DNS cluster without endpoints): an unknown cluster
                    // must give 503s, not a rejected route config.
                    .setValidateClusters(BoolValue.of(false))
                    // Domains carry no ports; applications send "host", "host:80" or "host:8080" alike.
                    .setIgnorePortInHostMatching(true)
                    .build();
            out.add(new XdsResource(name, rc));
        }
        return out;
    }

    /**
     * Istio's route configuration of a sniffed port {@code HOST:PORT}: that service's virtual host alone, with its
     * VirtualService's routes, and no catch-all (traffic reached this listener by the service's own VIP). Empty when
     * the proxy cannot see the service or the port is not sniffed.
     */
    private static Optional<XdsResource> sniffed(ProxyView proxy, PushContext push, String name, String hostname, int port) {
        Optional<Service> service = push.service(hostname).filter(s -> proxy.sees(push, s));
        if (port == 0 || service.flatMap(s -> s.port(port)).map(p -> p.protocol() != Protocol.UNSUPPORTED).orElse(true)) {
            return Optional.empty();
        }
        List<VirtualHost> hosts = OutboundVirtualHosts.forPort(proxy, push, port, false, p -> p.protocol() == Protocol.UNSUPPORTED).stream()
                .filter(vh -> vh.getName().equals(name))
                .toList();
        return Optional.of(new XdsResource(name, RouteConfiguration.newBuilder()
                .setName(name)
                .addAllVirtualHosts(hosts)
                .setValidateClusters(BoolValue.of(false))
                .setIgnorePortInHostMatching(true)
                .build()));
    }

    /** 1-65535 written as plain digits, else 0. */
    static int parsePort(String name) {
        if (name.isEmpty() || name.length() > 5 || !name.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return 0;
        }
        int port = Integer.parseInt(name);
        return port >= 1 && port <= 65535 ? port : 0;
    }

    // Envoy never subscribes to RDS by wildcard; a wildcard request serves debug dumps with every listener's routes.
    private static Set<String> routeNames(ProxyView proxy, PushContext push) {
        Set<Integer> ports = new TreeSet<>();
        Set<String> sniffed = new TreeSet<>();
        for (Service s : proxy.visibleServices(push)) {
            for (ServicePort p : s.ports()) {
                if (p.protocol().isHttp()) {
                    ports.add(p.port());
                } else if (p.protocol() == Protocol.UNSUPPORTED && s.address().isPresent()) {
                    sniffed.add(ProtocolSniffing.routeName(s.hostname(), p.port()));
                }
            }
        }
        Set<String> out = new LinkedHashSet<>();
        ports.forEach(p -> out.add(Integer.toString(p)));
        out.addAll(sniffed);
        return out;
    }
}
