package io.pilot4j.kube.endpoints;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.pilot4j.kube.workload.LocalityLabels;
import io.pilot4j.kube.workload.Workload;
import io.pilot4j.model.Locality;

import java.util.Map;
import java.util.Optional;

/**
 * Which workload stands behind one endpoint address (Istio's getPod and EndpointBuilder): the pod the endpoint
 * refers to, with its labels, service account and locality. Without a pod, the locality still comes from the node
 * the endpoint names, else from the zone the slice gives.
 */
final class EndpointWorkloads {
    private EndpointWorkloads() {
    }

    /** What an address resolved to; {@link #pod} is null when no pod stands behind it. */
    record Resolved(Workload workload, Pod pod) {
    }

    /** Empty when the endpoint names a pod the view does not have yet: such an endpoint waits for its pod. */
    static Optional<Resolved> resolve(ClusterView view, String namespace, String address, ObjectReference targetRef,
                                      String endpointNodeName, String zone) {
        Optional<Pod> pod = view.pod(namespace, address, targetRef);
        if (pod.isEmpty() && view.knowsPods() && targetRef != null && "Pod".equals(targetRef.getKind())) {
            return Optional.empty();
        }
        if (pod.isPresent()) {
            String nodeName = Workload.nodeName(pod.get());
            Node node = view.node(nodeName.isEmpty() ? nullToEmpty(endpointNodeName) : nodeName).orElse(null);
            Workload w = Workload.of(pod.get(), node);
            return Optional.of(new Resolved(w.locality().isEmpty() ? withLocality(w, zoneOnly(zone)) : w, pod.get()));
        }
        Locality locality = view.node(nullToEmpty(endpointNodeName)).map(LocalityLabels::ofNode)
                .filter(l -> !l.isEmpty())
                .orElse(zoneOnly(zone));
        return Optional.of(new Resolved(new Workload(Map.of(), "", locality), null));
    }

    private static Workload withLocality(Workload w, Locality locality) {
        return new Workload(w.labels(), w.serviceAccount(), locality);
    }

    private static Locality zoneOnly(String zone) {
        return new Locality("", zone, "");
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
