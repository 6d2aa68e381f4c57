package io.pilot4j.model.networking;

import java.time.Instant;
import java.util.Objects;

/**
 * Identity of a traffic rule (Istio's config.Meta, the parts rules are ordered and scoped by).
 *
 * @param namespace    the rule's namespace: what "." in exportTo and short host names mean
 * @param name         its name
 * @param creationTime metadata.creationTimestamp, {@link Instant#EPOCH} when absent (files); the oldest rule wins
 *                     where two compete, as in Istio
 */
public record ConfigMeta(String namespace, String name, Instant creationTime) implements Comparable<ConfigMeta> {
    public ConfigMeta {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        creationTime = Objects.requireNonNullElse(creationTime, Instant.EPOCH);
    }

    /** Istio's sortConfigByCreationTime: oldest first, then by name, then by namespace. */
    @Override
    public int compareTo(ConfigMeta o) {
        int c = creationTime.compareTo(o.creationTime);
        if (c == 0) {
            c = name.compareTo(o.name);
        }
        return c != 0 ? c : namespace.compareTo(o.namespace);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
