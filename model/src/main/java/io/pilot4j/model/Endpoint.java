package io.pilot4j.model;

import java.util.Map;
import java.util.Objects;

/**
 * One address serving one port of a service (Istio's IstioEndpoint): a pod IP, a ServiceEntry endpoint,
 * or a hostname for DNS-resolved services.
 *
 * @param address         IP address, or a DNS name for DNS resolution
 * @param port            the port the endpoint listens on (may differ from the service port)
 * @param servicePortName name of the {@link ServicePort} this endpoint serves; links endpoints to ports
 * @param labels          workload labels, used for subsets
 * @param locality        region/zone/subzone
 * @param weight          load-balancing weight, at least 1
 * @param health          health; only HEALTHY endpoints go to proxies by default
 * @param serviceAccount  workload identity, empty when unknown
 */
public record Endpoint(
        String address,
        int port,
        String servicePortName,
        Map<String, String> labels,
        Locality locality,
        int weight,
        HealthStatus health,
        String serviceAccount) {

    public Endpoint {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(servicePortName, "servicePortName");
        Objects.requireNonNull(locality, "locality");
        Objects.requireNonNull(health, "health");
        labels = Map.copyOf(labels);
        serviceAccount = Objects.requireNonNullElse(serviceAccount, "");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint port " + port + " out of range 1-65535");
        }
        if (weight < 1) {
            throw new IllegalArgumentException("endpoint weight must be at least 1, got " + weight);
        }
    }
}
