package io.pilot4j.model;

import java.util.Map;
import java.util.Objects;

/** Where an endpoint runs: region/zone/subzone, any part may be empty. */
public record Locality(String region, String zone, String subzone) {
    public static final Locality NONE = new Locality("", "", "");

    public static final String REGION_LABEL = "topology.kubernetes.io/region";
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    /** Istio's label for the third level. */
    public static final String SUBZONE_LABEL = "topology.istio.io/subzone";

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
