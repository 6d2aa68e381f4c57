package io.pilot4j.model.networking;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Istio's OutlierDetection.
 *
 * @param consecutive5xxErrors     5xx (and local failures) before ejection; empty when not given (Envoy's 5 then applies)
 * @param consecutiveGatewayErrors 502/503/504 before ejection; empty when not given
 * @param maxEjectionPercent       0 when not given (Istio's 10% then applies)
 * @param minHealthPercent         0 when not given
 */
public record OutlierDetection(OptionalInt consecutive5xxErrors, OptionalInt consecutiveGatewayErrors,
                               int consecutiveLocalOriginFailures, boolean splitExternalLocalOriginErrors,
                               Optional<Duration> interval, Optional<Duration> baseEjectionTime, int maxEjectionPercent,
                               int minHealthPercent) {
    public OutlierDetection {
        Objects.requireNonNull(consecutive5xxErrors, "consecutive5xxErrors");
        Objects.requireNonNull(consecutiveGatewayErrors, "consecutiveGatewayErrors");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
    }
}
