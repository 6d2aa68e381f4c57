package io.pilot4j.load.workload;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Plans endpoint changes over a workload: change k moves endpoint {@code (k / C) mod E} of service {@code k mod C}
 * to a fresh address, so consecutive changes touch different services and a burst never overwrites its own
 * changes. Fresh addresses come from the change range, from {@code seed} on, skipping any address the workload
 * uses (a directory mutated by an earlier run holds change-range addresses too) or this run gave out already.
 */
public final class EndpointMutator {
    private final List<ServiceSpec> services;
    private final Set<String> used = new HashSet<>();
    private long nextAddress;
    private int sequence;

    public EndpointMutator(Workload workload, long seed) {
        this.services = new ArrayList<>(workload.services());
        for (ServiceSpec s : services) {
            used.addAll(s.endpoints());
        }
        this.nextAddress = seed;
    }

    public EndpointChange next() {
        int k = sequence++;
        int serviceIndex = Math.floorMod(k, services.size());
        ServiceSpec before = services.get(serviceIndex);
        if (before.endpoints().isEmpty()) {
            throw new IllegalStateException(before.name() + " has no endpoint to change");
        }
        int endpointIndex = Math.floorMod(k / services.size(), before.endpoints().size());
        String address;
        do {
            address = Addresses.change(nextAddress++);
        } while (!used.add(address));
        ServiceSpec after = before.withEndpoint(endpointIndex, address);
        services.set(serviceIndex, after);
        return new EndpointChange(k, before, after, endpointIndex, address);
    }
}
