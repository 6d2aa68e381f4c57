package io.pilot4j.model;

/** Endpoint health as Istio models it; only HEALTHY endpoints are sent to proxies by default. */
public enum HealthStatus {
    HEALTHY, UNHEALTHY, DRAINING
}
