package io.pilot4j.model.networking;

/** One accepted Istio networking object: what a registry holds for it and compares to tell a change. */
public sealed interface TrafficRule permits VirtualService, DestinationRule, Sidecar, Gateway {
    ConfigMeta meta();
}
