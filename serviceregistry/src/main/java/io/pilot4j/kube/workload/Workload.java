package io.pilot4j.kube.workload;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.pilot4j.kube.Metadata;
import io.pilot4j.model.Locality;

import java.util.Map;
import java.util.Objects;

/**
 * What a pod lends the endpoints that point at it (Istio's EndpointBuilder): its labels, for subsets; its service
 * account, the workload identity; and its locality.
 *
 * @param labels         the pod's labels
 * @param serviceAccount {@code spec.serviceAccountName}, empty when unset
 * @param locality       the pod's own locality label, else its node's topology labels, else none
 */
public record Workload(Map<String, String> labels, String serviceAccount, Locality locality) {
    public Workload {
        labels = Map.copyOf(labels);
        serviceAccount = Objects.requireNonNullElse(serviceAccount, "");
        Objects.requireNonNull(locality, "locality");
    }

    /** @param node the node the pod is scheduled on, null when unknown (not scheduled yet, or not in the cache) */
    public static Workload of(Pod pod, Node node) {
        Map<String, String> labels = Metadata.labels(pod);
        Locality locality = LocalityLabels.ofWorkload(labels)
                .orElseGet(() -> node == null ? Locality.NONE : LocalityLabels.ofNode(node));
        String serviceAccount = pod.getSpec() == null ? "" : pod.getSpec().getServiceAccountName();
        return new Workload(labels, serviceAccount, locality);
    }

    /** The pod's node, from {@code spec.nodeName}; empty before the scheduler sets it. */
    public static String nodeName(Pod pod) {
        return pod.getSpec() == null || pod.getSpec().getNodeName() == null ? "" : pod.getSpec().getNodeName();
    }
}
