package io.pilot4j.model.networking;

import java.util.Objects;

/** Istio's StringMatch: one of exact, prefix or regex (RE2 syntax). */
public record StringMatch(Type type, String value) {
    public enum Type {
        EXACT, PREFIX, REGEX
    }

    public StringMatch {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }

    public static StringMatch exact(String value) {
        return new StringMatch(Type.EXACT, value);
    }

    public static StringMatch prefix(String value) {
        return new StringMatch(Type.PREFIX, value);
    }

    public static StringMatch regex(String value) {
        return new StringMatch(Type.REGEX, value);
    }
}
