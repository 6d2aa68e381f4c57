package io.pilot4j.model;

import java.util.Objects;

/** Identifies one configuration object: kind, namespace, name. */
public record ConfigKey(Kind kind, String namespace, String name) implements Comparable<ConfigKey> {
    public ConfigKey {
        Objects.requireNonNull(kind, "kind");
        namespace = Objects.requireNonNullElse(namespace, "");
        name = Objects.requireNonNullElse(name, "");
    }

    @Override
    public int compareTo(ConfigKey o) {
        int c = kind.compareTo(o.kind);
        if (c == 0) {
            c = namespace.compareTo(o.namespace);
        }
        return c != 0 ? c : name.compareTo(o.name);
    }

    /** kind/namespace/name, the form used in every message about an object. */
    @Override
    public String toString() {
        return kind.kubeKind() + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }
}
