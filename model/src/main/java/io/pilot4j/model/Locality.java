package io.pilot4j.model;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** Where an endpoint runs: region/zone/subzone, any part may be empty. */
public record Locality(String region, String zone, String subzone) {
    public static final Locality NONE = new Locality("", "", "");

    public static final String REGION_LABEL = "topology.kubernetes.io/region";
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    /** Istio's label for the third level. */
    public static final String SUBZONE_LABEL = "topology.istio.io/subzone";
    /** Istio's locality label ("region.zone.subzone" or with "/"), read when the topology labels are absent. */
    public static final String LOCALITY_LABEL = "topology.istio.io/locality";
    /** The label {@link #LOCALITY_LABEL} replaced, still read by Istio. */
    public static final String LEGACY_LOCALITY_LABEL = "istio-locality";

    public Locality {
        region = Objects.requireNonNullElse(region, "");
        zone = Objects.requireNonNullElse(zone, "");
        subzone = Objects.requireNonNullElse(subzone, "");
    }

    /** Parses Istio's "region/zone/subzone" form; missing parts are empty. */
    public static Locality parse(String value) {
        if (value == null || value.isEmpty()) {
            return NONE;
        }
        String[] parts = value.split("/", 3);
        return new Locality(parts[0], parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "");
    }

    /** From the well-known Kubernetes topology labels. */
    public static Locality fromLabels(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return NONE;
        }
        return new Locality(labels.get(REGION_LABEL), labels.get(ZONE_LABEL), labels.get(SUBZONE_LABEL));
    }

    /**
     * Istio's AugmentLabels (topology part): {@code labels} plus the region, zone and subzone labels of this
     * locality, each only when that part is set, so that failoverPriority can name them.
     */
    public Map<String, String> augment(Map<String, String> labels) {
        if (isEmpty()) {
            return labels;
        }
        Map<String, String> out = new HashMap<>(labels);
        if (!region.isEmpty()) {
            out.put(REGION_LABEL, region);
        }
        if (!zone.isEmpty()) {
            out.put(ZONE_LABEL, zone);
        }
        if (!subzone.isEmpty()) {
            out.put(SUBZONE_LABEL, subzone);
        }
        return Map.copyOf(out);
    }

    public boolean isEmpty() {
        return region.isEmpty() && zone.isEmpty() && subzone.isEmpty();
    }

    /** Istio's "region/zone/subzone" form, trailing empty parts dropped. */
    @Override
    public String toString() {
        if (!subzone.isEmpty()) {
            return region + "/" + zone + "/" + subzone;
        }
        if (!zone.isEmpty()) {
            return region + "/" + zone;
        }
        return region;
    }
}
