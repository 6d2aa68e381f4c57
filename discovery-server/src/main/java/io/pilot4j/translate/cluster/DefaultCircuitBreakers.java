package io.pilot4j.translate.cluster;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;

/**
 * Istio's circuit breakers for clusters without a connection pool policy: every limit lifted. Envoy's own
 * defaults (1024 connections, 3 parallel retries) trip during endpoint churn and turn rollouts into 503s. No
 * track_remaining: Istio leaves the remaining_* gauges off (DISABLE_TRACK_REMAINING_CB_METRICS, true by default), as
 * they cost a stat per cluster and priority.
 */
public final class DefaultCircuitBreakers {
    private static final UInt32Value UNLIMITED = UInt32Value.of(-1); // 4294967295 as unsigned

    private static final CircuitBreakers.Thresholds UNLIMITED_THRESHOLDS = CircuitBreakers.Thresholds.newBuilder()
            .setPriority(RoutingPriority.DEFAULT)
            .setMaxConnections(UNLIMITED)
            .setMaxPendingRequests(UNLIMITED)
            .setMaxRequests(UNLIMITED)
            .setMaxRetries(UNLIMITED)
            .build();
    private static final CircuitBreakers INSTANCE = CircuitBreakers.newBuilder().addThresholds(UNLIMITED_THRESHOLDS).build();

    private DefaultCircuitBreakers() {
    }

    public static CircuitBreakers get() {
        return INSTANCE;
    }

    /** Every limit lifted, which a connection pool policy then lowers where it sets one. */
    static CircuitBreakers.Thresholds unlimitedThresholds() {
        return UNLIMITED_THRESHOLDS;
    }
}
