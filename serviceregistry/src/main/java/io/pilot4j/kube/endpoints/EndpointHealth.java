package io.pilot4j.kube.endpoints;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.pilot4j.model.HealthStatus;

/**
 * Endpoint health from EndpointSlice conditions, as Istio reads them (endpointslice.go endpointHealthStatus):
 * an unset ready condition means ready, since Kubernetes only omits it when readiness is unknown and consumers
 * must then assume ready.
 */
public final class EndpointHealth {
    private EndpointHealth() {
    }

    public static HealthStatus of(EndpointConditions conditions) {
        if (conditions == null || conditions.getReady() == null || conditions.getReady()) {
            return HealthStatus.HEALTHY;
        }
        // Still serving while shutting down: existing connections may finish, new ones go elsewhere.
        if (Boolean.TRUE.equals(conditions.getTerminating()) && Boolean.TRUE.equals(conditions.getServing())) {
            return HealthStatus.DRAINING;
        }
        return HealthStatus.UNHEALTHY;
    }
}
