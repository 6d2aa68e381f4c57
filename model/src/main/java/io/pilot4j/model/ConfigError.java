package io.pilot4j.model;

import java.util.Objects;

/**
 * A configuration document that was rejected, with everything a user needs to find it.
 *
 * @param source        where it came from: a file path, or "Kubernetes"
 * @param documentIndex 0-based index of the YAML document inside the file, -1 when not applicable
 * @param kind          the object's kind as written ("ServiceEntry"), empty if it could not be read
 * @param namespace     the object's namespace, empty if unknown
 * @param name          the object's name, empty if unknown
 * @param message       what is wrong, naming the field
 */
public record ConfigError(String source, int documentIndex, String kind, String namespace, String name, String message) {
    public ConfigError {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(message, "message");
        kind = Objects.requireNonNullElse(kind, "");
        namespace = Objects.requireNonNullElse(namespace, "");
        name = Objects.requireNonNullElse(name, "");
    }

    /** One line: {@code file.yaml[doc 2] ServiceEntry default/reviews: spec.ports[0].number: must be 1-65535}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(source);
        if (documentIndex >= 0) {
            sb.append("[doc ").append(documentIndex).append(']');
        }
        if (!kind.isEmpty() || !name.isEmpty()) {
            sb.append(' ').append(kind.isEmpty() ? "?" : kind).append(' ');
            if (!namespace.isEmpty()) {
                sb.append(namespace).append('/');
            }
            sb.append(name.isEmpty() ? "?" : name);
        }
        return sb.append(": ").append(message).toString();
    }
}
