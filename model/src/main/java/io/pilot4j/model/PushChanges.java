package io.pilot4j.model;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What differs between two push snapshots in what generators read: the mesh config, traffic rules, services, and
 * endpoints. Istio
 * carries this in its push requests (ConfigsUpdated, the EDS updates of EndpointIndex); pilot4j compares snapshots, so
 * registries need not know what generators read, and a push cannot miss a change whatever the request that caused it
 * said: a push sends what the snapshots differ in.
 *
 * <p>The comparison covers every {@link PushContext} input a generator reads; an input added to the snapshot for
 * generators must be compared here too.
 *
 * <p>A change of any traffic rule counts as a mesh change (a full push to every proxy): rules reach across services
 * and namespaces (exportTo, DestinationRule lookup through the root namespace, wildcard hosts), and telling which
 * views a rule change leaves alone is an optimisation Istio makes per config kind that pilot4j does not yet.
 *
 * @param mesh      the mesh config or a traffic rule changed: anything may have
 * @param services  hostnames whose service was added, removed or changed
 * @param endpoints hostnames whose endpoints changed while their service did not
 */
public record PushChanges(boolean mesh, Set<String> services, Set<String> endpoints) {
    private static final PushChanges EVERYTHING = new PushChanges(true, Set.of(), Set.of());

    public PushChanges {
        services = Set.copyOf(services);
        endpoints = Set.copyOf(endpoints);
    }

    /** For a first snapshot, or whenever what changed is unknown. */
    public static PushChanges everything() {
        return EVERYTHING;
    }

    public static PushChanges between(PushContext before, PushContext after) {
        if (!before.mesh().equals(after.mesh()) || !before.rules().equals(after.rules())) {
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
        return new PushChanges(false, services, endpoints);
    }

    // Registries hand unchanged endpoint lists over as the same instances, so most hosts compare by identity.
    private static boolean sameEndpoints(PushContext before, PushContext after, String host) {
        var a = before.endpoints(host);
        var b = after.endpoints(host);
        return a == b || a.equals(b);
    }

    public boolean isEmpty() {
        return !mesh && services.isEmpty() && endpoints.isEmpty();
    }

    /** Whether anything about this service, or its endpoints, may differ. */
    public boolean touches(String hostname) {
        return mesh || services.contains(hostname) || endpoints.contains(hostname);
    }
}
