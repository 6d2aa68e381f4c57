package io.pilot4j.model.networking;

import java.util.Optional;

/** gRPC status codes by the names Istio's fault abort takes ({@code grpcStatus: UNAVAILABLE}); the ordinal is the code. */
public enum GrpcCode {
    OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED,
    RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS,
    UNAUTHENTICATED;

    public int code() {
        return ordinal();
    }

    public static Optional<GrpcCode> parse(String name) {
        for (GrpcCode c : values()) {
            if (c.name().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
