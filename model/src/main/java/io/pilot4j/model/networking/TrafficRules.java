package io.pilot4j.model.networking;

import io.pilot4j.model.Kind;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The accepted traffic rules of a registry, or of all of them, grouped by kind, each kind oldest first (Istio's order
 * of precedence). Nothing here names a kind but the typed accessors generators read: a new kind of rule is grouped,
 * merged and compared like the others.
 */
public final class TrafficRules {
    public static final TrafficRules NONE = new TrafficRules(new TreeMap<>());

    /** Only kinds that have rules: two values with the same rules are equal whatever kinds they were built from. */
    private final Map<Kind, List<TrafficRule>> byKind;

    private TrafficRules(TreeMap<Kind, List<TrafficRule>> byKind) {
        this.byKind = byKind;
    }

    public static TrafficRules of(Collection<? extends TrafficRule> rules) {
        TreeMap<Kind, List<TrafficRule>> grouped = new TreeMap<>();
        for (TrafficRule r : rules) {
            grouped.computeIfAbsent(r.kind(), k -> new ArrayList<>()).add(r);
        }
        grouped.replaceAll((k, list) -> {
            list.sort(Comparator.comparing(TrafficRule::meta));
            return List.copyOf(list);
        });
        return new TrafficRules(grouped);
    }

    /** The rules of fixtures and tests, by the kinds generators read today. */
    public static TrafficRules of(List<VirtualService> virtualServices, List<DestinationRule> destinationRules, List<Sidecar> sidecars,
                                  List<Gateway> gateways) {
        List<TrafficRule> all = new ArrayList<>(virtualServices);
        all.addAll(destinationRules);
        all.addAll(sidecars);
        all.addAll(gateways);
        return of(all);
    }

    /** The rules of several registries together, in precedence order. */
    public static TrafficRules merge(Collection<TrafficRules> all) {
        List<TrafficRule> rules = new ArrayList<>();
        for (TrafficRules r : all) {
            r.byKind.values().forEach(rules::addAll);
        }
        return of(rules);
    }

    /** The kinds that have rules. */
    public Set<Kind> kinds() {
        return byKind.keySet();
    }

    /** The rules of one kind, oldest first. */
    public List<TrafficRule> ofKind(Kind kind) {
        return byKind.getOrDefault(kind, List.of());
    }

    public List<VirtualService> virtualServices() {
        return typed(Kind.VIRTUAL_SERVICE);
    }

    public List<DestinationRule> destinationRules() {
        return typed(Kind.DESTINATION_RULE);
    }

    public List<Sidecar> sidecars() {
        return typed(Kind.SIDECAR);
    }

    public List<Gateway> gateways() {
        return typed(Kind.GATEWAY);
    }

    @SuppressWarnings("unchecked") // a kind's rules are all of its record type: TrafficRule.kind() says so
    private <T extends TrafficRule> List<T> typed(Kind kind) {
        return (List<T>) (List<?>) ofKind(kind);
    }

    public boolean isEmpty() {
        return byKind.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrafficRules other && byKind.equals(other.byKind);
    }

    @Override
    public int hashCode() {
        return byKind.hashCode();
    }

    @Override
    public String toString() {
        return "TrafficRules" + byKind;
    }
}
