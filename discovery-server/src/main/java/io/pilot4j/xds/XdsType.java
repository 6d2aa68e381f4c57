package io.pilot4j.xds;

import io.envoyproxy.controlplane.cache.Resources;
import io.pilot4j.translate.ProxyView;

import java.util.List;

/** The xDS types pilot4j serves, in Istio's push order: clusters before endpoints, listeners before routes. */
enum XdsType {
    CDS(Resources.V3.CLUSTER_TYPE_URL, true),
    EDS(Resources.V3.ENDPOINT_TYPE_URL, false),
    LDS(Resources.V3.LISTENER_TYPE_URL, true),
    RDS(Resources.V3.ROUTE_TYPE_URL, false);

    static final List<XdsType> PUSH_ORDER = List.of(CDS, EDS, LDS, RDS);

    final String typeUrl;
    /** Whether an Envoy may subscribe to "everything" of this type (state-of-the-world wildcard). */
    final boolean wildcardCapable;

    XdsType(String typeUrl, boolean wildcardCapable) {
        this.typeUrl = typeUrl;
        this.wildcardCapable = wildcardCapable;
    }

    /** Whether this proxy may subscribe to everything of this type: Envoy may for CDS and LDS, proxyless gRPC names what it wants. */
    boolean wildcardAllowed(ProxyView proxy) {
        return wildcardCapable && !proxy.isProxylessGrpc();
    }

    static XdsType forTypeUrl(String typeUrl) {
        for (XdsType t : values()) {
            if (t.typeUrl.equals(typeUrl)) {
                return t;
            }
        }
        return null;
    }
}
