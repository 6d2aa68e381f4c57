package io.pilot4j.model.networking;

import java.util.Objects;

/**
 * One weighted destination of an HTTP route (Istio's HTTPRouteDestination).
 *
 * @param weight  share of the traffic in percent; 0 when not given (a single destination takes all)
 * @param headers header changes for traffic to this destination only
 */
public record HttpRouteDestination(Destination destination, int weight, Headers headers) {
    public HttpRouteDestination {
        Objects.requireNonNull(destination, "destination");
        headers = headers == null ? Headers.NONE : headers;
    }
}
