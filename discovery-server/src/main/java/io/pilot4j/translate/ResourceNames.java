package io.pilot4j.translate;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a proxy subscribed to for one type: everything (Envoy's wildcard CDS/LDS, {@link #all()}) or the listed names.
 * Names are kept sorted so generation order, and with it the serialised response, is deterministic.
 */
public record ResourceNames(boolean wildcard, Set<String> names) {
    private static final ResourceNames WILDCARD = new ResourceNames(true, Set.of());

    public ResourceNames {
        names = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(names));
    }

    public static ResourceNames all() {
        return WILDCARD;
    }

    public static ResourceNames of(Collection<String> names) {
        return new ResourceNames(false, new TreeSet<>(names));
    }

    public static ResourceNames of(String... names) {
        return of(java.util.List.of(names));
    }

    /** True if a resource with this name should be sent. */
    public boolean includes(String name) {
        return wildcard || names.contains(name);
    }
}
