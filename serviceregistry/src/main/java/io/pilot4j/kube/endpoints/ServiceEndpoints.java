package io.pilot4j.kube.endpoints;

import io.pilot4j.model.Endpoint;

import java.util.List;
import java.util.Objects;

/**
 * The endpoints one EndpointSlice or Endpoints object contributes to a Kubernetes Service.
 *
 * @param serviceNamespace namespace of the Service (always the object's own)
 * @param serviceName      name of the Service
 * @param hostname         the Service's hostname, the key endpoints are looked up by
 * @param endpoints        one per address and port, in the order written
 */
public record ServiceEndpoints(String serviceNamespace, String serviceName, String hostname, List<Endpoint> endpoints) {
    public ServiceEndpoints {
        Objects.requireNonNull(serviceNamespace, "serviceNamespace");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(hostname, "hostname");
        endpoints = List.copyOf(endpoints);
    }
}
