package io.pilot4j.kube;

import io.pilot4j.model.ConfigError;
import io.pilot4j.model.ConfigKey;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The outcome of converting one API object: a value, or the field errors that made it invalid, never both.
 * Conversions return this instead of throwing so that every problem of an object is reported together.
 *
 * @param value  the converted value; only readable when {@link #isValid()}
 * @param errors why the object was rejected; empty when valid
 */
public record Result<T>(T value, List<FieldError> errors) {
    public Result {
        errors = List.copyOf(errors);
        if ((value == null) == errors.isEmpty()) {
            throw new IllegalArgumentException("a Result holds either a value or errors: value=" + value + ", errors=" + errors);
        }
    }

    public static <T> Result<T> ok(T value) {
        return new Result<>(Objects.requireNonNull(value, "value"), List.of());
    }

    public static <T> Result<T> invalid(List<FieldError> errors) {
        return new Result<>(null, errors);
    }

    public static <T> Result<T> invalid(FieldPath field, String message) {
        return invalid(List.of(FieldError.of(field, message)));
    }

    public boolean isValid() {
        return errors.isEmpty();
    }

    /** The value; throws if the object was invalid, so a rejected object can never be applied by mistake. */
    @Override
    public T value() {
        if (!isValid()) {
            throw new IllegalStateException("invalid: " + errors);
        }
        return value;
    }

    /**
     * How registries report this object's rejection: every field error, in order, on one line. The one place a
     * {@code Result} becomes a {@link ConfigError}.
     *
     * @param documentIndex the document in its file; -1 when the object did not come from a file
     */
    public ConfigError rejection(String source, int documentIndex, ConfigKey key) {
        if (isValid()) {
            throw new IllegalStateException("not rejected: " + value);
        }
        String message = errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
        return new ConfigError(source, documentIndex, key.kind().kubeKind(), key.namespace(), key.name(), message);
    }

    public <U> Result<U> map(Function<? super T, ? extends U> f) {
        return isValid() ? Result.ok(f.apply(value)) : Result.invalid(errors);
    }
}
