package io.pilot4j.translate;

import io.pilot4j.model.Locality;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServiceTarget;
import io.pilot4j.model.networking.Sidecar;
import io.pilot4j.translate.listener.InterceptionMode;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything about a proxy that generators may read, derived once per connection from its {@link Proxy} (node id
 * and metadata). Generators take a view, never a proxy, so what they make is a function of (type, view, subscribed
 * names, push snapshot) and nothing else: that tuple is a cache key that cannot miss an input, and proxies with equal
 * views share one generation per push. A generator that needs more of the node adds it here, which puts it in the
 * key too.
 *
 * @param flavour          which generators answer (Istio picks them by node type and GENERATOR metadata)
 * @param namespace        the config namespace: what the proxy may see (exportTo), and how short names expand
 * @param dnsDomain        the node id's DNS domain: the short host names a proxy's routes answer to
 * @param ipFamily         the DNS lookup family of DNS clusters: IPv6 only for a proxy with only IPv6 addresses
 * @param interceptionMode how outbound traffic reaches a sidecar (INTERCEPTION_MODE metadata)
 * @param unprivileged     UNPRIVILEGED_POD metadata: the proxy cannot bind ports below 1024
 * @param reservedPorts    ENVOY_STATUS_PORT and ENVOY_PROMETHEUS_PORT metadata: ports no outbound listener may take
 * @param labels           the workload's labels (LABELS metadata), which VirtualService sourceLabels and Sidecar
 *                         workloadSelectors select on; narrowed per snapshot to the keys its rules select on
 *                         ({@link #narrowedFor}), so that labels no rule reads do not split views
 * @param locality         where the proxy runs, which locality load balancing prefers; {@link Locality#NONE} in a
 *                         snapshot where no locality load balancing applies ({@link #narrowedFor}), so that proxies of
 *                         every locality share views unless their locality changes what they are sent
 * @param addresses        the proxy's own IPs, where the endpoints of the services its workload serves are (its
 *                         {@link PushContext#serviceTargets service targets}): a sidecar's inbound listeners and clusters
 *                         are built per target port, a router's Gateway ports are translated as its Service maps them.
 *                         Without loopback addresses ({@link #podAddresses}), none for proxyless gRPC clients, and
 *                         narrowed per snapshot to those where some endpoint is ({@link #narrowedFor}), so that proxies
 *                         that serve no service share views
 */
public record ProxyView(Flavour flavour, String namespace, String dnsDomain, IpFamily ipFamily, InterceptionMode interceptionMode,
                        boolean unprivileged, Set<Integer> reservedPorts, Map<String, String> labels, Locality locality,
                        List<String> addresses) {

    public static final String UNPRIVILEGED_POD = "UNPRIVILEGED_POD";
    static final String ENVOY_STATUS_PORT = "ENVOY_STATUS_PORT";
    static final String ENVOY_PROMETHEUS_PORT = "ENVOY_PROMETHEUS_PORT";

    /** The generator family a proxy gets; proxyless gRPC wins over the node type, as GENERATOR=grpc does in Istio. */
    public enum Flavour {
        SIDECAR, ROUTER, PROXYLESS_GRPC
    }

    public enum IpFamily {
        IPV4, IPV6
    }

    public ProxyView {
        Objects.requireNonNull(flavour, "flavour");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(dnsDomain, "dnsDomain");
        Objects.requireNonNull(ipFamily, "ipFamily");
        Objects.requireNonNull(interceptionMode, "interceptionMode");
        reservedPorts = Set.copyOf(reservedPorts);
        labels = Map.copyOf(labels);
        Objects.requireNonNull(locality, "locality");
        addresses = List.copyOf(addresses);
    }

    /** A view of a proxy without workload labels or locality. */
    public ProxyView(Flavour flavour, String namespace, String dnsDomain, IpFamily ipFamily, InterceptionMode interceptionMode,
                     boolean unprivileged, Set<Integer> reservedPorts) {
        this(flavour, namespace, dnsDomain, ipFamily, interceptionMode, unprivileged, reservedPorts, Map.of(), Locality.NONE, List.of());
    }

    public static ProxyView of(Proxy proxy) {
        Flavour flavour = proxy.isProxylessGrpc() ? Flavour.PROXYLESS_GRPC : proxy.isRouter() ? Flavour.ROUTER : Flavour.SIDECAR;
        return new ProxyView(flavour, proxy.namespace(), proxy.dnsDomain(), ipFamily(proxy.ipAddresses()),
                InterceptionMode.parse(proxy.metadata().get(InterceptionMode.METADATA_KEY)), isTrue(proxy.metadata().get(UNPRIVILEGED_POD)),
                ports(proxy.metadata().get(ENVOY_STATUS_PORT), proxy.metadata().get(ENVOY_PROMETHEUS_PORT)), proxy.labels(),
                proxy.locality(), flavour == Flavour.PROXYLESS_GRPC ? List.of() : podAddresses(proxy.ipAddresses()));
    }

    /**
     * This view with only the labels some rule of {@code push} selects on, its locality only if locality load
     * balancing applies in {@code push}, and only the addresses where {@code push} has endpoints: what generators read
     * of them, so the cache key of a generation. Without such rules, proxies of one namespace that serve no service
     * share a view again.
     */
    public ProxyView narrowedFor(PushContext push) {
        Locality keptLocality = locality.isEmpty() || push.localityMatters() ? locality : Locality.NONE;
        Set<String> keys = labels.isEmpty() ? Set.of() : push.workloadLabelKeys();
        List<String> keptAddresses = addresses;
        if (!addresses.isEmpty() && !addresses.stream().allMatch(push::hasEndpointAt)) {
            keptAddresses = addresses.stream().filter(push::hasEndpointAt).toList();
        }
        if (keys.containsAll(labels.keySet()) && keptLocality == locality && keptAddresses == addresses) {
            return this;
        }
        Map<String, String> kept = new java.util.HashMap<>();
        labels.forEach((k, v) -> {
            if (keys.contains(k)) {
                kept.put(k, v);
            }
        });
        return new ProxyView(flavour, namespace, dnsDomain, ipFamily, interceptionMode, unprivileged, reservedPorts, kept, keptLocality,
                keptAddresses);
    }

    /** The service ports this proxy's workload serves in {@code push} (Istio's ServiceTargets), by hostname then port. */
    public List<ServiceTarget> serviceTargets(PushContext push) {
        return push.serviceTargets(addresses);
    }

    /**
     * The target ports a sidecar gets an inbound chain and cluster for, by port, each with the first of its service
     * targets by hostname (Istio keeps the oldest Service's; a second service on the port changes nothing): none for
     * routers and proxyless gRPC, none without capture (Istio builds them from Sidecar ingress only, lest the proxy
     * bind the application's ports), and none on a port of the proxy's own listeners (virtualOutbound,
     * virtualInbound, status and metrics), which traffic capture leaves alone or which would loop.
     */
    public List<ServiceTarget> inboundTargets(PushContext push) {
        if (flavour != Flavour.SIDECAR || interceptionMode == InterceptionMode.NONE || addresses.isEmpty()) {
            return List.of();
        }
        Map<Integer, ServiceTarget> byPort = new java.util.TreeMap<>();
        for (ServiceTarget t : serviceTargets(push)) {
            int port = t.targetPort();
            if (port != push.mesh().proxyListenPort() && port != push.mesh().proxyInboundListenPort() && !reservedPorts.contains(port)) {
                byPort.putIfAbsent(port, t);
            }
        }
        return List.copyOf(byPort.values());
    }

    /** Whether the proxy may bind {@code port}: an unprivileged one cannot bind ports below 1024 (Istio's CanBindToPort). */
    public boolean canBind(int port) {
        return !(unprivileged && port < 1024);
    }

    /**
     * The services this proxy may see (exportTo), and for sidecars and proxyless gRPC clients only those their Sidecar
     * admits: Istio applies Sidecar resources to neither kind of gateway, so a router in a namespace with a Sidecar
     * (the root namespace's mesh-wide one included) still reaches every service exported to it.
     */
    public List<Service> visibleServices(PushContext push) {
        return isRouter() ? push.servicesVisibleTo(namespace) : push.servicesVisibleTo(namespace, labels);
    }

    /** Whether {@link #visibleServices} holds {@code service}. */
    public boolean sees(PushContext push, Service service) {
        return isRouter() ? push.isVisible(service, namespace) : push.isVisible(service, namespace, labels);
    }

    /** The Sidecar that scopes this proxy; none for routers. */
    public Optional<Sidecar> sidecar(PushContext push) {
        return isRouter() ? Optional.empty() : push.sidecar(namespace, labels);
    }

    public boolean isRouter() {
        return flavour == Flavour.ROUTER;
    }

    public boolean isProxylessGrpc() {
        return flavour == Flavour.PROXYLESS_GRPC;
    }

    /**
     * The addresses a Service's endpoints may have: not loopback. A proxy on 127.0.0.1 is a process on this machine
     * (a laptop's local Envoy or gateway), not a pod behind a Service, and local backends are often on 127.0.0.1 too:
     * reading their ports as its own would give it their inbound listeners, or move a router's listeners onto them.
     */
    private static List<String> podAddresses(List<String> addresses) {
        return addresses.stream().filter(a -> !a.startsWith("127.") && !a.equals("::1")).toList();
    }

    /** Istio's SelectDNSLookupFamily without dual stack: IPv6 only for an IPv6-only proxy, else IPv4. */
    private static IpFamily ipFamily(List<String> addresses) {
        boolean allV6 = !addresses.isEmpty() && addresses.stream().allMatch(ip -> ip.contains(":"));
        return allV6 ? IpFamily.IPV6 : IpFamily.IPV4;
    }

    private static Set<Integer> ports(String... values) {
        Set<Integer> out = new TreeSet<>();
        for (String value : values) {
            if (value != null) {
                try {
                    out.add(Integer.parseInt(value.trim()));
                } catch (NumberFormatException ignored) {
                    // Not a port: nothing to protect.
                }
            }
        }
        return out;
    }

    // Go's strconv.ParseBool, which Istio applies to this metadata.
    private static boolean isTrue(String value) {
        return value != null && Set.of("1", "t", "T", "true", "TRUE", "True").contains(value);
    }
}
