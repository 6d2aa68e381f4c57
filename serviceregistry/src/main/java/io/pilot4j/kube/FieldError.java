package io.pilot4j.kube;

import java.util.Objects;

/**
 * Why one field of an API object was rejected.
 *
 * @param field   where, as {@link FieldPath} prints it: {@code spec.ports[1].number}
 * @param message what is wrong with it: {@code 70000 is out of range 1-65535}
 */
public record FieldError(String field, String message) {
    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    public static FieldError of(FieldPath field, String message) {
        return new FieldError(field.toString(), message);
    }

    /** {@code spec.ports[1].number: 70000 is out of range 1-65535}. */
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
