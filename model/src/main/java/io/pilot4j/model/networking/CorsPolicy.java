package io.pilot4j.model.networking;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Istio's CorsPolicy.
 *
 * @param unmatchedPreflights FORWARD or IGNORE as written, empty when not given (Istio's default: forward)
 */
public record CorsPolicy(List<StringMatch> allowOrigins, List<String> allowMethods, List<String> allowHeaders,
                         List<String> exposeHeaders, Optional<Duration> maxAge, Optional<Boolean> allowCredentials,
                         String unmatchedPreflights) {
    public CorsPolicy {
        allowOrigins = List.copyOf(allowOrigins);
        allowMethods = List.copyOf(allowMethods);
        allowHeaders = List.copyOf(allowHeaders);
        exposeHeaders = List.copyOf(exposeHeaders);
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(allowCredentials, "allowCredentials");
        unmatchedPreflights = Objects.requireNonNullElse(unmatchedPreflights, "");
    }
}
