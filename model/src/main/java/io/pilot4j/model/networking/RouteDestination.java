package io.pilot4j.model.networking;

import java.util.Objects;

/** A weighted destination of a TCP or TLS route (Istio's RouteDestination); weight 0 when not given. */
public record RouteDestination(Destination destination, int weight) {
    public RouteDestination {
        Objects.requireNonNull(destination, "destination");
    }
}
