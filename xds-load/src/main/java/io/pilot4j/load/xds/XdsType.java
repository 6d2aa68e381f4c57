package io.pilot4j.load.xds;

/** The four types a sidecar asks for over ADS, with Envoy's wildcard rule: CDS and LDS are subscribed to whole. */
public enum XdsType {
    CDS("type.googleapis.com/envoy.config.cluster.v3.Cluster", true),
    EDS("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment", false),
    LDS("type.googleapis.com/envoy.config.listener.v3.Listener", true),
    RDS("type.googleapis.com/envoy.config.route.v3.RouteConfiguration", false);

    public final String typeUrl;
    public final boolean wildcard;

    XdsType(String typeUrl, boolean wildcard) {
        this.typeUrl = typeUrl;
        this.wildcard = wildcard;
    }

    /** Null for a type this tool does not speak. */
    public static XdsType of(String typeUrl) {
        for (XdsType t : values()) {
            if (t.typeUrl.equals(typeUrl)) {
                return t;
            }
        }
        return null;
    }
}
