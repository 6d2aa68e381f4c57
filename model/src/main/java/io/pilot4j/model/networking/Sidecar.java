package io.pilot4j.model.networking;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Istio's Sidecar (held; scoping is not applied yet).
 *
 * @param workloadSelector      the workloads it applies to; empty means every workload of its namespace
 * @param egress                egress listeners, each limiting what the proxy sees
 * @param outboundTrafficPolicy ALLOW_ANY or REGISTRY_ONLY, empty when the mesh's applies
 */
public record Sidecar(ConfigMeta meta, Map<String, String> workloadSelector, List<EgressListener> egress,
                      String outboundTrafficPolicy) implements TrafficRule {

    /**
     * @param port  0 for every port
     * @param hosts {@code namespace/host} entries: {@code ./}, {@code * /} and {@code ~/} forms as in Istio
     */
    public record EgressListener(int port, String portName, String protocol, String bind, String captureMode, List<String> hosts) {
        public EgressListener {
            portName = Objects.requireNonNullElse(portName, "");
            protocol = Objects.requireNonNullElse(protocol, "");
            bind = Objects.requireNonNullElse(bind, "");
            captureMode = Objects.requireNonNullElse(captureMode, "");
            hosts = List.copyOf(hosts);
        }
    }

    public Sidecar {
        Objects.requireNonNull(meta, "meta");
        workloadSelector = Map.copyOf(workloadSelector);
        egress = List.copyOf(egress);
        outboundTrafficPolicy = Objects.requireNonNullElse(outboundTrafficPolicy, "");
    }
}
