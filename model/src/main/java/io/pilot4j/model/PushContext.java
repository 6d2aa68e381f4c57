package io.pilot4j.model;

import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.networking.DestinationRule;
import io.pilot4j.model.networking.MergedGateway;
import io.pilot4j.model.networking.RuleAnalysis;
import io.pilot4j.model.networking.RuleIndex;
import io.pilot4j.model.networking.Sidecar;
import io.pilot4j.model.networking.TrafficRules;
import io.pilot4j.model.networking.VirtualService;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The immutable, versioned snapshot of the whole model that every generator reads (Istio's PushContext).
 * Built once per debounced push from the registries' snapshots and the mesh config; generators take it
 * plus a view of the proxy and never look anywhere else.
 *
 * <p>Its one identity is its {@link #sequence()}, the number of the push that installed it; {@link #version()} is
 * that number as Istio writes a push version.
 */
public final class PushContext {
    private final long sequence;
    private final String version;
    private final Instant createdAt;
    private final MeshConfig mesh;
    private final List<Service> services;
    private final Map<String, Service> servicesByHostname;
    private final PersistentMap<String, List<Endpoint>> endpointsByHostname;
    /** The hostnames with an endpoint at each address, sorted: whose service targets a workload at that address is. */
    private final PersistentMap<String, List<String>> hostsByAddress;
    private final List<ConfigError> conflicts;
    private final RuleIndex rules;
    private final List<ConfigError> ruleAnalysis;
    /** The provider of the registry whose declaration of each hostname won, where its endpoints come from. */
    private final Map<String, String> providerOf;

    private PushContext(long sequence, Instant createdAt, MeshConfig mesh, List<Service> services,
                        Map<String, List<Endpoint>> endpointsByHostname, List<ConfigError> conflicts, RuleIndex rules,
                        List<ConfigError> ruleAnalysis, Map<String, String> providerOf) {
        this(sequence, createdAt, mesh, List.copyOf(services), byHostname(services), endpointsByHostname,
                PersistentMap.of(hostsByAddress(endpointsByHostname)), List.copyOf(conflicts), rules, List.copyOf(ruleAnalysis),
                Map.copyOf(providerOf));
    }

    // Takes its collections as they are: the public factories copy them, or hand over another snapshot's.
    private PushContext(long sequence, Instant createdAt, MeshConfig mesh, List<Service> services, Map<String, Service> servicesByHostname,
                        Map<String, List<Endpoint>> endpointsByHostname, PersistentMap<String, List<String>> hostsByAddress,
                        List<ConfigError> conflicts, RuleIndex rules, List<ConfigError> ruleAnalysis, Map<String, String> providerOf) {
        this.sequence = sequence;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.version = DateTimeFormatter.ISO_INSTANT.format(createdAt.truncatedTo(ChronoUnit.SECONDS)) + "/" + sequence;
        this.mesh = Objects.requireNonNull(mesh, "mesh");
        this.services = services;
        this.servicesByHostname = servicesByHostname;
        this.endpointsByHostname = PersistentMap.of(endpointsByHostname);
        this.hostsByAddress = hostsByAddress;
        this.conflicts = conflicts;
        this.rules = rules;
        this.ruleAnalysis = ruleAnalysis;
        this.providerOf = providerOf;
    }

    private static Map<String, List<String>> hostsByAddress(Map<String, List<Endpoint>> endpointsByHostname) {
        // In hostname order, so that each list comes out sorted without sorting it.
        Map<String, List<String>> out = new HashMap<>();
        for (Map.Entry<String, List<Endpoint>> entry : new TreeMap<>(endpointsByHostname).entrySet()) {
            for (Endpoint e : entry.getValue()) {
                List<String> hosts = out.computeIfAbsent(e.address(), a -> new ArrayList<>(1));
                if (hosts.isEmpty() || !hosts.get(hosts.size() - 1).equals(entry.getKey())) {
                    hosts.add(entry.getKey());
                }
            }
        }
        out.replaceAll((address, hosts) -> List.copyOf(hosts));
        return out;
    }

    /** {@code hostsByAddress} after the endpoints of {@code changed}'s hostnames became {@code changed}'s. Costs those endpoints. */
    private PersistentMap<String, List<String>> hostsByAddressAfter(Map<String, List<Endpoint>> changed) {
        Map<String, Set<String>> touched = new HashMap<>();
        changed.forEach((host, endpoints) -> {
            for (Endpoint e : endpoints(host)) {
                touched.computeIfAbsent(e.address(), a -> new TreeSet<>(hostsByAddress.getOrDefault(a, List.of()))).remove(host);
            }
        });
        changed.forEach((host, endpoints) -> {
            for (Endpoint e : endpoints) {
                touched.computeIfAbsent(e.address(), a -> new TreeSet<>(hostsByAddress.getOrDefault(a, List.of()))).add(host);
            }
        });
        Map<String, List<String>> updates = new HashMap<>();
        touched.forEach((address, hosts) -> updates.put(address, hosts.isEmpty() ? null : List.copyOf(hosts)));
        return hostsByAddress.with(updates);
    }

    private static Map<String, Service> byHostname(List<Service> services) {
        Map<String, Service> byHost = new LinkedHashMap<>();
        for (Service s : services) {
            byHost.put(s.hostname(), s);
        }
        return Map.copyOf(byHost);
    }

    /** An empty snapshot: what a server has before its registries loaded. */
    public static PushContext empty(MeshConfig mesh) {
        return new PushContext(0, Instant.EPOCH, mesh, List.of(), Map.of(), List.of(), new RuleIndex(mesh, TrafficRules.NONE), List.of(),
                Map.of());
    }

    /**
     * Merges registry snapshots. A hostname declared twice keeps the first declaration in registry order,
     * then namespace order (Istio keeps the oldest); the loser is reported in {@link #conflicts()}. The
     * registries' own rejected objects stay with the registries: they change nothing that is pushed. Traffic rules
     * of all registries apply together; references between them that do not resolve (a route to a subset no
     * DestinationRule defines) are reported in {@link #ruleAnalysis()} and still pushed, as Istio does.
     */
    public static PushContext build(long sequence, Instant createdAt, MeshConfig mesh, List<RegistrySnapshot> registries) {
        Map<String, Service> byHost = new HashMap<>();
        Map<String, String> providerOf = new HashMap<>();
        Map<String, List<Endpoint>> endpoints = new HashMap<>();
        List<ConfigError> conflicts = new ArrayList<>();
        for (RegistrySnapshot registry : registries) {
            List<Service> sorted = new ArrayList<>(registry.services());
            sorted.sort(Comparator.comparing(Service::hostname).thenComparing(Service::namespace));
            for (Service s : sorted) {
                Service existing = byHost.putIfAbsent(s.hostname(), s);
                if (existing == null) {
                    providerOf.put(s.hostname(), registry.provider());
                    endpoints.put(s.hostname(), List.copyOf(registry.endpoints().getOrDefault(s.hostname(), List.of())));
                } else {
                    conflicts.add(new ConfigError(registry.provider(), -1, "Service", s.namespace(), s.hostname(),
                            "hostname " + s.hostname() + " is already declared in namespace " + existing.namespace()
                                    + " (" + providerOf.get(s.hostname()) + "); this declaration is ignored"));
                }
            }
        }
        List<Service> services = new ArrayList<>(byHost.values());
        services.sort(Comparator.comparing(Service::hostname));
        List<TrafficRules> all = new ArrayList<>();
        for (RegistrySnapshot registry : registries) {
            all.add(registry.rules());
        }
        RuleIndex rules = new RuleIndex(mesh, TrafficRules.merge(all));
        List<ConfigError> analysis = RuleAnalysis.analyze(rules, byHost);
        return new PushContext(sequence, createdAt, mesh, services, endpoints, conflicts, rules, analysis, providerOf);
    }

    /**
     * This snapshot with the registries' current endpoints of {@code hosts}, and nothing else read again: Istio's
     * non-full push, which keeps its PushContext and takes the endpoints its EDS updates name from its EndpointIndex.
     * Services, conflicts, the rules, their index (delegation, merged gateways), analysis and every other hostname's
     * endpoints are this snapshot's own instances. Only for a push whose every request said that only the endpoints
     * of these hostnames changed; a hostname without a service here waits for the full push that its service's own
     * request brings.
     */
    public PushContext withEndpoints(long sequence, Instant createdAt, List<RegistrySnapshot> registries, Set<String> hosts) {
        Map<String, RegistrySnapshot> byProvider = new HashMap<>();
        for (RegistrySnapshot r : registries) {
            byProvider.putIfAbsent(r.provider(), r);
        }
        Map<String, List<Endpoint>> changed = new HashMap<>();
        for (String host : hosts) {
            if (!servicesByHostname.containsKey(host)) {
                continue;
            }
            RegistrySnapshot registry = byProvider.get(providerOf.get(host));
            changed.put(host, registry == null ? List.of() : List.copyOf(registry.endpoints().getOrDefault(host, List.of())));
        }
        return new PushContext(sequence, createdAt, mesh, services, servicesByHostname, endpointsByHostname.with(changed),
                hostsByAddressAfter(changed), conflicts, rules, ruleAnalysis, providerOf);
    }

    /** 0 for the empty snapshot a server starts with, then one more for each snapshot the server installs. */
    public long sequence() {
        return sequence;
    }

    /** Istio's push version: the RFC 3339 second it was made and its sequence, e.g. {@code 2026-11-22T03:41:50Z/7}. */
    public String version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public MeshConfig mesh() {
        return mesh;
    }

    /** All services, sorted by hostname. */
    public List<Service> services() {
        return services;
    }

    public Optional<Service> service(String hostname) {
        return Optional.ofNullable(servicesByHostname.get(hostname));
    }

    /** Every endpoint of a service, all ports, any health. */
    public List<Endpoint> endpoints(String hostname) {
        return endpointsByHostname.getOrDefault(hostname, List.of());
    }

    /** Endpoints serving one port of a service, any health. */
    public List<Endpoint> endpoints(Service service, ServicePort port) {
        List<Endpoint> out = new ArrayList<>();
        for (Endpoint e : endpoints(service.hostname())) {
            if (e.servicePortName().equals(port.name())) {
                out.add(e);
            }
        }
        return out;
    }

    /** Every accepted traffic rule, oldest first per kind. */
    public TrafficRules rules() {
        return rules.rules();
    }

    /** The VirtualService that routes {@code hostname} for sidecars (and proxyless gRPC) of {@code namespace}. */
    public Optional<VirtualService> virtualService(String namespace, String hostname) {
        return rules.virtualServiceForHost(namespace, hostname);
    }

    /**
     * The Gateways that select a router with these workload labels, merged into its listeners' servers, their ports
     * translated as the router's own Service maps them ({@link #targetPorts}).
     *
     * @param addresses the router's IPs, where its own Service's endpoints are
     */
    public MergedGateway mergedGateway(Map<String, String> labels, Collection<String> addresses) {
        return rules.mergedGateway(labels, targetPorts(addresses));
    }

    /**
     * Service port -> target port for the services with an endpoint at one of {@code addresses} (Istio's ServiceTargets
     * of a proxy): how the Service in front of a router maps the ports clients use to the ports its pod listens on.
     * The first service by hostname wins a port two of them map differently.
     */
    public Map<Integer, Integer> targetPorts(Collection<String> addresses) {
        Map<Integer, Integer> out = new HashMap<>();
        for (ServiceTarget t : serviceTargets(addresses)) {
            out.putIfAbsent(t.port().port(), t.targetPort());
        }
        return Map.copyOf(out);
    }

    /** Whether some service has an endpoint, of any health, at {@code address}. */
    public boolean hasEndpointAt(String address) {
        return hostsByAddress.containsKey(address);
    }

    /**
     * The service ports a workload at one of {@code addresses} serves (Istio's ServiceTargets): each port of each
     * service with an endpoint, of any health, at one of them, by hostname and then port. Costs the endpoints of those
     * services, not the mesh.
     */
    public List<ServiceTarget> serviceTargets(Collection<String> addresses) {
        if (addresses.isEmpty()) {
            return List.of();
        }
        Set<String> hosts = new TreeSet<>();
        for (String address : addresses) {
            hosts.addAll(hostsByAddress.getOrDefault(address, List.of()));
        }
        List<ServiceTarget> out = new ArrayList<>();
        for (String host : hosts) {
            Service s = servicesByHostname.get(host);
            if (s == null) {
                continue;
            }
            for (ServicePort p : s.ports()) {
                for (Endpoint e : endpoints(host)) {
                    if (e.servicePortName().equals(p.name()) && addresses.contains(e.address())) {
                        out.add(new ServiceTarget(s, p, e.port()));
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** The VirtualServices bound to {@code gateway} ({@code namespace/name}) that a router of {@code namespace} sees. */
    public List<VirtualService> virtualServicesForGateway(String namespace, String gateway) {
        return rules.virtualServicesForGateway(namespace, gateway);
    }

    /** The DestinationRule that applies to {@code service} for proxies of {@code namespace}. */
    public Optional<DestinationRule> destinationRule(String namespace, Service service) {
        return rules.destinationRule(namespace, service.namespace(), service.hostname());
    }

    /** The DestinationRule that applies to {@code service} for a proxy of {@code namespace} with these workload labels. */
    public Optional<DestinationRule> destinationRule(String namespace, Map<String, String> labels, Service service) {
        return rules.destinationRule(namespace, labels, service.namespace(), service.hostname());
    }

    /** Problems between rules (a route to an undefined subset); the rules still apply, as in Istio. */
    public List<ConfigError> ruleAnalysis() {
        return ruleAnalysis;
    }

    /** Declarations this snapshot ignored because another one won (duplicate hostnames), for debug output. */
    public List<ConfigError> conflicts() {
        return conflicts;
    }

    /**
     * Services a proxy in {@code namespace} may see, honouring exportTo ("*", ".", "~" and namespace names; a service
     * that sets none gets the mesh's defaultServiceExportTo), sorted by hostname.
     */
    public List<Service> servicesVisibleTo(String namespace) {
        List<Service> out = new ArrayList<>(services.size());
        for (Service s : services) {
            if (isVisible(s, namespace)) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Services a proxy in {@code namespace} with these workload labels is sent: those it may see ({@link
     * #servicesVisibleTo(String)}) that its Sidecar's egress hosts admit, all of them without a Sidecar. Sorted by
     * hostname.
     */
    public List<Service> servicesVisibleTo(String namespace, Map<String, String> labels) {
        List<Service> visible = servicesVisibleTo(namespace);
        Optional<Sidecar> sidecar = rules.sidecar(namespace, labels);
        if (sidecar.isEmpty()) {
            return visible;
        }
        List<Service> out = new ArrayList<>(visible.size());
        for (Service s : visible) {
            if (sidecar.get().admits(s.namespace(), s.hostname(), namespace)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Whether a proxy in {@code namespace} with these workload labels is sent {@code service} (exportTo, then its Sidecar). */
    public boolean isVisible(Service service, String namespace, Map<String, String> labels) {
        return isVisible(service, namespace) && rules.sidecar(namespace, labels)
                .map(sc -> sc.admits(service.namespace(), service.hostname(), namespace)).orElse(true);
    }

    /** The workload label keys some rule selects on; a proxy's other labels change nothing it is sent. */
    public Set<String> workloadLabelKeys() {
        return rules.workloadLabelKeys();
    }

    /** Whether a proxy's locality can change what it is sent: some locality load balancing applies. */
    public boolean localityMatters() {
        return rules.localityMatters();
    }

    /** The Sidecar that applies to a proxy of {@code namespace} with these workload labels. */
    public Optional<Sidecar> sidecar(String namespace, Map<String, String> labels) {
        return rules.sidecar(namespace, labels);
    }

    /** Whether a proxy in {@code namespace} may see {@code service}. */
    public boolean isVisible(Service service, String namespace) {
        Collection<String> exportTo = service.exportTo().isEmpty() ? mesh.defaultServiceExportTo() : service.exportTo();
        return ExportTo.visible(exportTo, service.namespace(), namespace);
    }
}
