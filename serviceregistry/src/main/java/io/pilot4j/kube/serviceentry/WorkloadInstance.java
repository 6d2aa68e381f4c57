package io.pilot4j.kube.serviceentry;

import io.fabric8.istio.api.api.networking.v1alpha3.WorkloadEntry;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A workload a ServiceEntry's endpoints come from (Istio's WorkloadInstance): one of its own {@code endpoints}, or a
 * WorkloadEntry or pod its {@code workloadSelector} selects.
 *
 * @param ports  service port name -> the workload's port; a port it does not name takes the service port's target
 * @param health a pod's readiness; WorkloadEntries are healthy
 */
public record WorkloadInstance(String address, Map<String, String> labels, Map<String, Integer> ports, Locality locality, int weight,
                               String serviceAccount, HealthStatus health) {
    public WorkloadInstance {
        Objects.requireNonNull(address, "address");
        labels = Map.copyOf(labels);
        ports = Map.copyOf(ports);
        Objects.requireNonNull(locality, "locality");
        serviceAccount = Objects.requireNonNullElse(serviceAccount, "");
        Objects.requireNonNull(health, "health");
    }

    /** As Istio reads a WorkloadEntry: locality from its field, else its labels; weight 0 means 1. Validated before. */
    static WorkloadInstance of(WorkloadEntry w) {
        Map<String, String> labels = w.getLabels() == null ? Map.of() : w.getLabels();
        Map<String, Integer> ports = new TreeMap<>();
        if (w.getPorts() != null) {
            w.getPorts().forEach((name, number) -> ports.put(name, number.intValue()));
        }
        int weight = w.getWeight() == null || w.getWeight() == 0 ? 1 : w.getWeight().intValue();
        return new WorkloadInstance(w.getAddress(), labels, ports, ServiceEntryConversion.locality(w.getLocality(), labels), weight,
                w.getServiceAccount(), HealthStatus.HEALTHY);
    }

    /** One endpoint per service port. A unix:// address keeps its prefix: the port then only links it to its service port. */
    List<Endpoint> endpoints(List<WorkloadSelection.Port> servicePorts) {
        return servicePorts.stream().map(p -> new Endpoint(address, ports.getOrDefault(p.name(), p.targetPort()), p.name(), labels,
                locality, weight, health, serviceAccount)).toList();
    }
}
