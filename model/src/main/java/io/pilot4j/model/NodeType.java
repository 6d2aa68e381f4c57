package io.pilot4j.model;

import java.util.Locale;

/** The first field of an Istio node id. */
public enum NodeType {
    /** A sidecar next to a workload: outbound listeners for every visible service. */
    SIDECAR,
    /** A gateway: clusters and endpoints, listeners only from Gateway objects. */
    ROUTER;

    static NodeType parse(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "sidecar": return SIDECAR;
            case "router": return ROUTER;
            default:
                throw new IllegalArgumentException("unknown node type '" + ClientText.abbreviate(value) + "': want sidecar or router");
        }
    }

    public String idPrefix() {
        return name().toLowerCase(Locale.ROOT);
    }
}
