package io.pilot4j.model.networking;

import java.util.Objects;

/**
 * Where a route sends traffic (Istio's Destination).
 *
 * @param host   the service hostname, short names already expanded in the rule's namespace
 *               ({@code reviews} written in namespace {@code default} is {@code reviews.default.svc.cluster.local})
 * @param subset a subset of a DestinationRule for {@code host}, empty for the whole service
 * @param port   the service port, 0 when not given (a single-port service's port, else the route's own port)
 */
public record Destination(String host, String subset, int port) {
    public Destination {
        Objects.requireNonNull(host, "host");
        subset = Objects.requireNonNullElse(subset, "");
    }
}
