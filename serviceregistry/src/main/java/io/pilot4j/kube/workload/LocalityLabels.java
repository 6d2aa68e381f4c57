package io.pilot4j.kube.workload;

import io.fabric8.kubernetes.api.model.Node;
import io.pilot4j.model.Locality;

import java.util.Map;
import java.util.Optional;

/**
 * Where a workload runs, from the labels Istio reads (pkg/model GetLocalityLabel, kube controller getPodLocality):
 * the workload's own {@code topology.istio.io/locality} (or the legacy {@code istio-locality}) first, else its
 * node's region, zone and subzone labels.
 */
public final class LocalityLabels {
    /** Istio's locality label on a workload ("region.zone.subzone", or with '/'). */
    public static final String LOCALITY_LABEL = "topology.istio.io/locality";
    /** The older form of {@link #LOCALITY_LABEL}. */
    public static final String LEGACY_LOCALITY_LABEL = "istio-locality";
    /** Before Kubernetes 1.17 nodes carried these; Istio still reads them when the GA ones are missing. */
    static final String BETA_REGION_LABEL = "failure-domain.beta.kubernetes.io/region";
    static final String BETA_ZONE_LABEL = "failure-domain.beta.kubernetes.io/zone";

    private LocalityLabels() {
    }

    /** The locality a workload declares itself, if it does. */
    public static Optional<Locality> ofWorkload(Map<String, String> labels) {
        String label = labels.get(LOCALITY_LABEL);
        if (label == null) {
            label = labels.get(LEGACY_LOCALITY_LABEL);
        }
        if (label == null || label.isEmpty()) {
            return Optional.empty();
        }
        // Label values cannot hold '/', so labels usually separate the levels with dots.
        return Optional.of(Locality.parse(label.contains("/") ? label : label.replace('.', '/')));
    }

    /** A node's region/zone/subzone; {@link Locality#NONE} for a node without topology labels. */
    public static Locality ofNode(Node node) {
        Map<String, String> labels = node.getMetadata() == null || node.getMetadata().getLabels() == null
                ? Map.of() : node.getMetadata().getLabels();
        return new Locality(
                labels.getOrDefault(Locality.REGION_LABEL, labels.get(BETA_REGION_LABEL)),
                labels.getOrDefault(Locality.ZONE_LABEL, labels.get(BETA_ZONE_LABEL)),
                labels.get(Locality.SUBZONE_LABEL));
    }
}
