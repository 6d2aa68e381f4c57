package io.pilot4j.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Collects the errors of one conversion so that a user sees every problem of an object at once, not one per edit.
 * Not thread-safe; one instance per conversion.
 */
public final class FieldErrors {
    private final List<FieldError> errors = new ArrayList<>();

    public void add(FieldPath field, String message) {
        errors.add(FieldError.of(field, message));
    }

    public void required(FieldPath field) {
        add(field, "required");
    }

    /** Checks a port number, reporting {@code <n> is out of range 1-65535}; false when out of range. */
    public boolean checkPort(FieldPath field, long port) {
        if (port < 1 || port > 65535) {
            add(field, port + " is out of range 1-65535");
            return false;
        }
        return true;
    }

    public void addAll(List<FieldError> more) {
        errors.addAll(more);
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public List<FieldError> toList() {
        return List.copyOf(errors);
    }

    /** The converted value if nothing was reported, else the errors; the value is only built when it is valid. */
    public <T> Result<T> toResult(Supplier<T> value) {
        return errors.isEmpty() ? Result.ok(value.get()) : Result.invalid(errors);
    }
}
