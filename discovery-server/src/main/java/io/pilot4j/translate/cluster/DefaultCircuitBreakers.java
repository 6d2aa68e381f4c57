package io.pilot4j.translate.cluster;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;

/**
 * Istio's circuit breakers for clusters without a connection pool policy: every limit lifted. Envoy's own
 * defaults (1024 connections, 3 parallel retries) trip during endpoint churn and turn rollouts into 503s.
 */
public final class DefaultCircuitBreakers {
    private static final UInt32Value UNLIMITED = UInt32Value.of(-1); // 4294967295 as unsigned

    private static final CircuitBreakers INSTANCE = CircuitBreakers.newBuilder()
            .addThresholds(CircuitBreakers.Thresholds.newBuilder()
                    .setPriority(RoutingPriority.DEFAULT)
                    .setMaxConnections(UNLIMITED)
                    .setMaxPendingRequests(UNLIMITED)
                    .setMaxRequests(UNLIMITED)
                    .setMaxRetries(UNLIMITED)
                    // Publishes remaining_* gauges, which Istio dashboards read.
                    .setTrackRemaining(true))
            .build();

    private DefaultCircuitBreakers() {
    }

    public static CircuitBreakers get() {
        return INSTANCE;
    }
}
