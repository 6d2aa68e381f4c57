package io.pilot4j.model;

import io.pilot4j.model.networking.TrafficRules;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What differs between two push snapshots in what generators read: the mesh config, traffic rules, services, and
 * endpoints. Istio
 * carries this in its push requests (ConfigsUpdated, the EDS updates of its EndpointIndex); pilot4j compares snapshots, so
 * registries need not know what generators read, and a push cannot miss a change whatever the request that caused it
 * said: a push sends what the snapshots differ in.
 *
 * <p>The comparison covers every {@link PushContext} input a generator reads; an input added to the snapshot for
 * generators must be compared here too.
 *
 * <p>Traffic rules are compared per kind, as Istio scopes config changes per kind: rules reach across services and
 * namespaces (exportTo, DestinationRule lookup through the root namespace, wildcard hosts), so a changed kind counts
 * for every proxy that reads that kind at all (see the push scope), not per host.
 *
 * @param mesh      the mesh config changed: anything may have
 * @param rules     the kinds of traffic rule that changed
 * @param services  hostnames whose service was added, removed or changed
 * @param endpoints hostnames whose endpoints changed while their service did not
 */
public record PushChanges(boolean mesh, Set<Kind> rules, Set<String> services, Set<String> endpoints) {
    private static final PushChanges EVERYTHING = new PushChanges(true, Set.of(), Set.of(), Set.of());

    public PushChanges {
        rules = Set.copyOf(rules);
        services = Set.copyOf(services);
        endpoints = Set.copyOf(endpoints);
    }

    /** For a first snapshot, or whenever what changed is unknown. */
    public static PushChanges everything() {
        return EVERYTHING;
    }

    public static PushChanges between(PushContext before, PushContext after) {
        if (!before.mesh().equals(after.mesh())) {
            return EVERYTHING;
        }
        Set<String> hostnames = new HashSet<>();
        before.services().forEach(s -> hostnames.add(s.hostname()));
        after.services().forEach(s -> hostnames.add(s.hostname()));
        Set<String> services = new TreeSet<>();
        Set<String> endpoints = new TreeSet<>();
        for (String host : hostnames) {
            if (!Objects.equals(before.service(host), after.service(host))) {
                services.add(host);
            } else if (!sameEndpoints(before, after, host)) {
                endpoints.add(host);
            }
        }
        return new PushChanges(false, changedKinds(before.rules(), after.rules()), services, endpoints);
    }

    /**
     * Between a snapshot and the same one with the endpoints of {@code hosts} read again ({@link
     * PushContext#withEndpoints}): those of them whose endpoints differ. Nothing else can, so nothing else is walked.
     */
    public static PushChanges ofEndpoints(PushContext before, PushContext after, Set<String> hosts) {
        Set<String> endpoints = new TreeSet<>();
        for (String host : hosts) {
            if (!sameEndpoints(before, after, host)) {
                endpoints.add(host);
            }
        }
        return new PushChanges(false, Set.of(), Set.of(), endpoints);
    }

    private static Set<Kind> changedKinds(TrafficRules a, TrafficRules b) {
        if (a.equals(b)) {
            return Set.of();
        }
        Set<Kind> kinds = new TreeSet<>();
        kinds.addAll(a.kinds());
        kinds.addAll(b.kinds());
        kinds.removeIf(k -> a.ofKind(k).equals(b.ofKind(k)));
        return kinds;
    }

    // Registries hand unchanged endpoint lists over as the same instances, so most hosts compare by identity.
    private static boolean sameEndpoints(PushContext before, PushContext after, String host) {
        var a = before.endpoints(host);
        var b = after.endpoints(host);
        return a == b || a.equals(b);
    }

    public boolean isEmpty() {
        return !mesh && rules.isEmpty() && services.isEmpty() && endpoints.isEmpty();
    }

    /**
     * Whether an endpoint assignment of this service may differ: its service or endpoints changed, or the mesh config or
     * a rule that shapes assignments (DestinationRule subsets and locality settings, and the VirtualServices and Sidecars
     * that decide what is generated at all). Gateways shape listeners and routes only.
     */
    public boolean touches(String hostname) {
        if (mesh || services.contains(hostname) || endpoints.contains(hostname)) {
            return true;
        }
        for (Kind k : rules) {
            if (k != Kind.GATEWAY) {
                return true;
            }
        }
        return false;
    }
}
