package io.pilot4j.mesh;

import java.util.Objects;

/** Istio's MeshConfig.OutboundTrafficPolicy: traffic to hosts not in the registry is passed through or blocked. */
public record OutboundTrafficPolicy(Mode mode) {
    public enum Mode { ALLOW_ANY, REGISTRY_ONLY }

    public OutboundTrafficPolicy {
        Objects.requireNonNull(mode, "mode");
    }
}
