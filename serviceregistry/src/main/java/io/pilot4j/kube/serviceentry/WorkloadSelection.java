package io.pilot4j.kube.serviceentry;

import io.pilot4j.model.Endpoint;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A ServiceEntry's {@code workloadSelector}: its endpoints are the workloads of its namespace whose labels hold the
 * selector's, on each of its ports (Istio's serviceentry controller, for WorkloadEntries). Re-derived by the
 * registry whenever a workload or the entry changes.
 */
public record WorkloadSelection(String namespace, Map<String, String> labels, List<Port> ports) {
    /** A service port by name, and the port a workload is reached on when it names none. */
    public record Port(String name, int targetPort) {
    }

    public WorkloadSelection {
        Objects.requireNonNull(namespace, "namespace");
        labels = Map.copyOf(labels);
        ports = List.copyOf(ports);
    }

    public boolean selects(String workloadNamespace, WorkloadInstance w) {
        return selects(workloadNamespace, w.labels());
    }

    /** Whether a workload of this namespace with these labels is selected. */
    public boolean selects(String workloadNamespace, Map<String, String> workloadLabels) {
        return namespace.equals(workloadNamespace) && workloadLabels.entrySet().containsAll(labels.entrySet());
    }

    /** The endpoints of the selected workloads, in the order given. */
    public List<Endpoint> endpoints(Collection<Map.Entry<String, WorkloadInstance>> workloadsByNamespace) {
        List<Endpoint> out = new ArrayList<>();
        for (Map.Entry<String, WorkloadInstance> w : workloadsByNamespace) {
            if (selects(w.getKey(), w.getValue())) {
                out.addAll(w.getValue().endpoints(ports));
            }
        }
        return out;
    }
}
