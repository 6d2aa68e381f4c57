package io.pilot4j.translate.route;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.translate.OutboundPolicy;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * RDS for Envoy sidecars: route config {@code "PORT"} holds the virtual hosts of every HTTP service on that port,
 * then the catch-all. Names that are not port numbers are skipped; a port without services still gets the
 * catch-all, since its listener may exist for a service that just went away.
 */
public final class RouteGenerator implements XdsGenerator {

    @Override
    public List<XdsResource> generate(ProxyView proxy, PushContext push, ResourceNames names) {
        List<XdsResource> out = new ArrayList<>();
        for (String name : names.wildcard() ? httpPorts(proxy, push) : names.names()) {
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

    /** 1-65535 written as plain digits, else 0. */
    static int parsePort(String name) {
        if (name.isEmpty() || name.length() > 5 || !name.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return 0;
        }
        int port = Integer.parseInt(name);
        return port >= 1 && port <= 65535 ? port : 0;
    }

    // Envoy never subscribes to RDS by wildcard; a wildcard request serves debug dumps with every listener's routes.
    private static Set<String> httpPorts(ProxyView proxy, PushContext push) {
        Set<Integer> ports = new TreeSet<>();
        for (Service s : proxy.visibleServices(push)) {
            for (ServicePort p : s.ports()) {
                if (p.protocol().isHttp()) {
                    ports.add(p.port());
                }
            }
        }
        Set<String> out = new LinkedHashSet<>();
        ports.forEach(p -> out.add(Integer.toString(p)));
        return out;
    }
}
