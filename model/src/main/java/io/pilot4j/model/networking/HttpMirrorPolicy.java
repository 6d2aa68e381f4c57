package io.pilot4j.model.networking;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A copy of the traffic to another destination, fire and forget (Istio's mirror + mirrorPercentage, or an entry of
 * mirrors).
 *
 * @param percentage 0-100; empty means all of it
 */
public record HttpMirrorPolicy(Destination destination, OptionalDouble percentage) {
    public HttpMirrorPolicy {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(percentage, "percentage");
    }
}
