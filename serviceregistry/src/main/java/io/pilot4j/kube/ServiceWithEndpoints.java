package io.pilot4j.kube;

import io.pilot4j.model.Endpoint;
import io.pilot4j.model.Service;

import java.util.List;
import java.util.Objects;

/**
 * A service and the endpoints its own object declares (Istio's ServiceWithInstances): ServiceEntry endpoints,
 * or the external name of an ExternalName Service. Kubernetes Services get their pod endpoints from EndpointSlices
 * instead, so for them the list is usually empty.
 */
public record ServiceWithEndpoints(Service service, List<Endpoint> endpoints) {
    public ServiceWithEndpoints {
        Objects.requireNonNull(service, "service");
        endpoints = List.copyOf(endpoints);
    }
}
