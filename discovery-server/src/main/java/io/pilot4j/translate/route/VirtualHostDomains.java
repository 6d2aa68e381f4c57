package io.pilot4j.translate.route;

import io.pilot4j.model.Service;
import io.pilot4j.translate.ProxyView;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Host/authority values a service answers to from one proxy: Istio's generateVirtualHostDomains and
 * GenerateAltVirtualHosts. With {@code port == 0} no {@code :port} variants are made (Envoy sidecars, which set
 * ignore_port_in_host_matching); proxyless gRPC matches the authority {@code host:port}, so it gets both.
 *
 * <p>Service aliases and the {@code *.host} domains of Kubernetes headless services are not produced: the
 * model does not carry aliases or the registry a service came from.
 */
public final class VirtualHostDomains {

    /**
     * @param domains  every domain in Istio's order: FQDN, its alternate forms, then the VIPs
     * @param altHosts the alternate forms alone; a domain that is one of them loses to a real service FQDN
     */
    public record Result(List<String> domains, List<String> altHosts) {
        public Result {
            domains = List.copyOf(domains);
            altHosts = List.copyOf(altHosts);
        }
    }

    private VirtualHostDomains() {
    }

    public static Result of(Service service, ProxyView proxy, int port) {
        List<String> domains = new ArrayList<>();
        List<String> alt = altHosts(service.hostname(), port, proxy.dnsDomain());
        appendWithPort(domains, service.hostname(), port);
        domains.addAll(alt);
        for (String vip : service.addresses()) {
            // A CIDR is not something a client puts in a Host header.
            if (!vip.isEmpty() && !vip.equals("0.0.0.0") && !vip.contains("/")) {
                appendWithPort(domains, vip, port);
            }
        }
        return new Result(domains, alt);
    }

    /** Istio's GenerateAltVirtualHosts: the other names a client may use for {@code hostname}. */
    static List<String> altHosts(String hostname, int port, String proxyDomain) {
        List<String> out = new ArrayList<>();
        // The absolute form "host." that resolvers accept (Istio 1.27+, on by default).
        if (!isIp(hostname)) {
            out.add(hostname + ".");
            if (port != 0) {
                out.add(hostPort(hostname + ".", port));
            }
        }
        int svc = proxyDomain.indexOf(".svc.");
        if (svc > 0) {
            // Only Kubernetes-style names sharing the proxy's cluster domain can be shortened; shortening anything
            // else could collide with the short names of Kubernetes services.
            if (hostname.endsWith(proxyDomain.substring(svc))) {
                out.addAll(kubernetesAltHosts(hostname, port, proxyDomain.substring(0, svc)));
            }
            return out;
        }
        sharedSuffixAltHosts(out, hostname, port, proxyDomain);
        return out;
    }

    /**
     * Same namespace: {@code name}, {@code name.ns.svc}, {@code name.ns}; another namespace: {@code name.ns},
     * {@code name.ns.svc} ("name" alone would resolve in the proxy's own namespace).
     */
    private static List<String> kubernetesAltHosts(String hostname, int port, String proxyNamespace) {
        int svc = hostname.indexOf(".svc.");
        int firstDot = hostname.indexOf('.');
        if (svc <= 0 || firstDot + 1 > svc) {
            return List.of();
        }
        String name = hostname.substring(0, firstDot);
        String nameNs = hostname.substring(0, svc);
        List<String> out = new ArrayList<>();
        if (hostname.substring(firstDot + 1, svc).equals(proxyNamespace)) {
            appendWithPort(out, name, port);
            appendWithPort(out, nameNs + ".svc", port);
            appendWithPort(out, nameNs, port);
        } else {
            appendWithPort(out, nameNs, port);
            appendWithPort(out, nameNs + ".svc", port);
        }
        return out;
    }

    /**
     * Proxies outside Kubernetes naming: strip the DNS suffix shared with the proxy's domain, e.g.
     * foo.local.campus.net seen from local.campus.net answers to "foo".
     */
    private static void sharedSuffixAltHosts(List<String> out, String hostname, int port, String proxyDomain) {
        List<String> host = Arrays.asList(hostname.split("\\.", -1));
        List<String> domain = Arrays.asList(proxyDomain.split("\\.", -1));
        int shared = 0;
        while (shared < host.size() && shared < domain.size()
                && host.get(host.size() - 1 - shared).equals(domain.get(domain.size() - 1 - shared))) {
            shared++;
        }
        if (shared == 0 || shared == host.size()) {
            return;
        }
        List<String> unique = host.subList(0, host.size() - shared);
        String uniqueHost = String.join(".", unique);
        appendWithPort(out, uniqueHost, port);
        if (unique.size() == 2) {
            appendWithPort(out, uniqueHost + "." + host.get(host.size() - shared), port);
        }
    }

    private static void appendWithPort(List<String> out, String domain, int port) {
        out.add(domain.contains(":") ? "[" + domain + "]" : domain);
        if (port != 0) {
            out.add(hostPort(domain, port));
        }
    }

    /** Go's net.JoinHostPort, as Istio's util.DomainName. */
    static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static boolean isIp(String s) {
        return s.matches("\\d{1,3}(\\.\\d{1,3}){3}") || s.contains(":");
    }
}
