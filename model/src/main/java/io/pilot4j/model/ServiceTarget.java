package io.pilot4j.model;

import java.util.Objects;

/**
 * One port of a service that a proxy's workload serves (Istio's ServiceTarget): the workload is an endpoint of
 * {@code service} on {@code port}, and listens on {@code targetPort}. Inbound listeners and clusters are built per
 * target port; gateways translate their server ports through it.
 *
 * @param service    the service the workload is an endpoint of
 * @param port       the service port clients use
 * @param targetPort the port the workload listens on (the endpoint's port)
 */
public record ServiceTarget(Service service, ServicePort port, int targetPort) {
    public ServiceTarget {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(port, "port");
        if (targetPort < 1 || targetPort > 65535) {
            throw new IllegalArgumentException("target port " + targetPort + " out of range 1-65535");
        }
    }
}
