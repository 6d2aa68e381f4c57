package io.pilot4j.translate.grpc;

import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.translate.ProxyView;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A listener name a gRPC client asked for: the target of {@code xds:///reviews:9080}, so {@code host[:port]},
 * where the host may be a short name (Istio's grpcgen newListenerNameFilter and tryFindFQDN).
 */
record GrpcListenerName(String host, int port) {

    /** The service port this name stands for, as the proxy sees services; empty if none. */
    record Target(Service service, ServicePort port) {
    }

    static GrpcListenerName parse(String name) {
        int colon = name.lastIndexOf(':');
        if (colon > 0 && colon < name.length() - 1 && name.substring(colon + 1).chars().allMatch(Character::isDigit)
                && name.length() - colon - 1 <= 5) {
            String host = name.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return new GrpcListenerName(host, Integer.parseInt(name.substring(colon + 1)));
        }
        return new GrpcListenerName(name, 0);
    }

    /**
     * The host as written first (a ServiceEntry may be called "reviews"), then its expansion. Without a port the
     * service must have exactly one: the client cannot say which it meant.
     */
    Optional<Target> resolve(ProxyView proxy, PushContext push) {
        for (String candidate : candidates(proxy)) {
            Optional<Service> service = push.service(candidate).filter(s -> proxy.sees(push, s));
            if (service.isEmpty()) {
                continue;
            }
            Service s = service.get();
            Optional<ServicePort> p = port != 0 ? s.port(port)
                    : s.ports().size() == 1 ? Optional.of(s.ports().get(0)) : Optional.empty();
            return p.filter(GrpcPorts::routable).map(sp -> new Target(s, sp));
        }
        return Optional.empty();
    }

    private List<String> candidates(ProxyView proxy) {
        List<String> out = new ArrayList<>(2);
        out.add(host);
        fqdn(host, proxy).filter(f -> !f.equals(host)).ifPresent(out::add);
        return out;
    }

    /**
     * Istio's tryFindFQDN: "reviews" is in the proxy's DNS domain; "reviews.ns" and "reviews.ns.svc" are
     * expanded only for the proxy's own namespace, whose name starts its DNS domain.
     */
    static Optional<String> fqdn(String host, ProxyView proxy) {
        String domain = proxy.dnsDomain();
        if (domain.isEmpty()) {
            return Optional.empty();
        }
        if (!host.contains(".")) {
            return Optional.of(host + "." + domain);
        }
        String ns = proxy.namespace();
        if (ns.isEmpty()) {
            return Optional.empty();
        }
        for (String suffix : List.of(ns, ns + ".svc")) {
            if (host.endsWith("." + suffix) && domain.startsWith(suffix)) {
                return Optional.of(host.substring(0, host.length() - suffix.length() - 1) + "." + domain);
            }
        }
        return Optional.empty();
    }
}
