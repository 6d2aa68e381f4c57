package io.pilot4j.model.networking;

import io.pilot4j.model.Kind;

/** One accepted Istio networking object: what a registry holds for it and compares to tell a change. */
public sealed interface TrafficRule permits VirtualService, DestinationRule, Sidecar, Gateway {
    ConfigMeta meta();

    /** Its kind, by which rules are grouped, compared between snapshots and scoped to the proxies that read them. */
    Kind kind();
}
