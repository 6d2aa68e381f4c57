package io.pilot4j.kube;

import io.pilot4j.kube.serviceentry.WorkloadSelection;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.Service;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A service and the endpoints its own object declares (Istio's ServiceWithInstances): ServiceEntry endpoints,
 * or the external name of an ExternalName Service. Kubernetes Services get their pod endpoints from EndpointSlices
 * instead, so for them the list is usually empty. A ServiceEntry with a workloadSelector declares none: its endpoints
 * are those of the workloads the {@code selection} selects, which the registry finds.
 */
public record ServiceWithEndpoints(Service service, List<Endpoint> endpoints, Optional<WorkloadSelection> selection) {
    public ServiceWithEndpoints {
        Objects.requireNonNull(service, "service");
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(selection, "selection");
    }

    public ServiceWithEndpoints(Service service, List<Endpoint> endpoints) {
        this(service, endpoints, Optional.empty());
    }
}
