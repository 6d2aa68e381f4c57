package io.pilot4j.model.networking;

import io.pilot4j.model.Kind;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Istio's Sidecar. Its egress hosts limit the services a proxy is sent ({@link #admits}) and its
 * outboundTrafficPolicy mode where traffic to unknown hosts goes; conversions reject what is not applied yet.
 *
 * @param workloadSelector      the workloads it applies to; empty means every workload of its namespace
 * @param egress                egress listeners, each limiting what the proxy sees
 * @param outboundTrafficPolicy ALLOW_ANY or REGISTRY_ONLY, empty when the mesh's applies
 */
public record Sidecar(ConfigMeta meta, Map<String, String> workloadSelector, List<EgressListener> egress,
                      String outboundTrafficPolicy) implements TrafficRule {
    @Override
    public Kind kind() {
        return Kind.SIDECAR;
    }


    /**
     * An egress listener on every port (conversions reject port, bind and captureMode).
     *
     * @param hosts {@code namespace/host} entries: {@code ./}, {@code * /} and {@code ~/} forms as in Istio
     */
    public record EgressListener(List<String> hosts) {
        public EgressListener {
            hosts = List.copyOf(hosts);
        }
    }

    /**
     * Whether the egress hosts admit a service, as Istio's sidecar scope does: some {@code namespace/host} entry of
     * some egress listener whose namespace part is {@code *}, {@code .} (the proxy's namespace) or the service's
     * namespace ({@code ~} admits nothing), and whose host part is {@code *}, a wildcard covering the hostname, or
     * the hostname.
     */
    public boolean admits(String serviceNamespace, String hostname, String proxyNamespace) {
        for (EgressListener listener : egress) {
            for (String entry : listener.hosts()) {
                int slash = entry.indexOf('/');
                String ns = entry.substring(0, slash);
                String host = entry.substring(slash + 1);
                boolean namespaceFits = ns.equals("*") || (ns.equals(".") ? proxyNamespace : ns).equals(serviceNamespace);
                if (namespaceFits && (host.equals("*") || Hosts.matches(host, hostname))) {
                    return true;
                }
            }
        }
        return false;
    }

    public Sidecar {
        Objects.requireNonNull(meta, "meta");
        workloadSelector = Map.copyOf(workloadSelector);
        egress = List.copyOf(egress);
        outboundTrafficPolicy = Objects.requireNonNullElse(outboundTrafficPolicy, "");
    }
}
