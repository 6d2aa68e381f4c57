package io.pilot4j.translate;

import io.pilot4j.model.PushContext;
import io.pilot4j.model.networking.Sidecar;

/**
 * Where a proxy's traffic to hosts outside the registry goes (Istio's outboundTrafficPolicy): the proxy's Sidecar
 * decides when it sets a mode, else the mesh config.
 */
public final class OutboundPolicy {
    private OutboundPolicy() {
    }

    /** True for ALLOW_ANY (passthrough), false for REGISTRY_ONLY (blocked). */
    public static boolean allowAny(ProxyView proxy, PushContext push) {
        String mode = proxy.sidecar(push).map(Sidecar::outboundTrafficPolicy).orElse("");
        return mode.isEmpty() ? push.mesh().allowAnyOutbound() : mode.equals("ALLOW_ANY");
    }
}
