package io.pilot4j.model;

import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A request to push new configuration, as registries raise it (Istio's model.PushRequest).
 * Requests merge while they wait in the debouncer.
 *
 * @param full           true when the model itself changed (rebuild the snapshot); false for endpoint-only changes,
 *                       whose push keeps the snapshot's services, rules and their index and reads the endpoints of
 *                       {@code endpointHosts} again (Istio's non-full push)
 * @param configsUpdated the objects that changed; empty when unknown (treated as "everything")
 * @param endpointHosts  for a push that is not full, the hostnames whose endpoints changed (Istio's EDS updates);
 *                       empty for a full push, which compares every hostname
 * @param reasons        counts of why the push was requested
 * @param start          when the earliest merged change happened, for convergence timing
 */
public record PushRequest(boolean full, Set<ConfigKey> configsUpdated, Set<String> endpointHosts, Map<TriggerReason, Integer> reasons,
                          Instant start) {
    public PushRequest {
        configsUpdated = Set.copyOf(configsUpdated);
        endpointHosts = full ? Set.of() : Set.copyOf(endpointHosts);
        reasons = reasons.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(reasons));
        Objects.requireNonNull(start, "start");
    }

    public static PushRequest full(TriggerReason reason, Set<ConfigKey> configs, Instant now) {
        return new PushRequest(true, configs, Set.of(), Map.of(reason, 1), now);
    }

    /** Endpoints changed, of these hostnames only. */
    public static PushRequest endpoints(Set<ConfigKey> configs, Set<String> hosts, Instant now) {
        return new PushRequest(false, configs, hosts, Map.of(TriggerReason.ENDPOINT, 1), now);
    }

    /** Combines two requests: full wins, configs, hostnames and reasons add up, the earlier start is kept. */
    public PushRequest merge(PushRequest other) {
        if (other == null) {
            return this;
        }
        Set<ConfigKey> configs = new HashSet<>(configsUpdated);
        configs.addAll(other.configsUpdated);
        Set<String> hosts = new HashSet<>(endpointHosts);
        hosts.addAll(other.endpointHosts);
        Map<TriggerReason, Integer> merged = new EnumMap<>(TriggerReason.class);
        merged.putAll(reasons);
        other.reasons.forEach((k, v) -> merged.merge(k, v, Integer::sum));
        Instant earliest = start.isBefore(other.start) ? start : other.start;
        return new PushRequest(full || other.full, configs, hosts, merged, earliest);
    }
}
