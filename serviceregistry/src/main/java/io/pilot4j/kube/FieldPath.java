package io.pilot4j.kube;

import java.util.Objects;

/**
 * A path to a field of an API object, printed the way Kubernetes prints it in validation errors
 * ({@code spec.ports[1].number}, {@code metadata.labels[kubernetes.io/service-name]}), so users can find the field
 * in the YAML they wrote. Immutable; built like Kubernetes' field.Path.
 */
public final class FieldPath {
    private final String text;

    private FieldPath(String text) {
        this.text = text;
    }

    /** A path starting at a top-level field, optionally followed by more field names: {@code of("spec", "ports")}. */
    public static FieldPath of(String field, String... more) {
        FieldPath path = new FieldPath(Objects.requireNonNull(field, "field"));
        for (String m : more) {
            path = path.child(m);
        }
        return path;
    }

    public FieldPath child(String field) {
        return new FieldPath(text + "." + Objects.requireNonNull(field, "field"));
    }

    /** An element of a list. */
    public FieldPath index(int index) {
        return new FieldPath(text + "[" + index + "]");
    }

    /** An entry of a map, by key. */
    public FieldPath key(String key) {
        return new FieldPath(text + "[" + key + "]");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldPath other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
