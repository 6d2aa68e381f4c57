package io.pilot4j.model.networking;

import io.pilot4j.model.Kind;

import java.util.List;
import java.util.Objects;

/**
 * Istio's VirtualService, validated, with short host names already expanded in its namespace.
 *
 * @param hosts    the hosts it routes (FQDNs, wildcards such as {@code *.example.com}, or {@code *})
 * @param gateways where it applies: gateway names ({@code ns/name}) and {@code mesh} for sidecars; empty means mesh
 * @param exportTo namespaces that see it ("*", "." or names); empty means the mesh's defaultVirtualServiceExportTo
 * @param http     HTTP routes, in order
 * @param tcp      TCP routes, for sidecars and gateway TCP servers
 * @param tls      TLS routes by SNI, for sidecars and gateway PASSTHROUGH servers
 */
public record VirtualService(ConfigMeta meta, List<String> hosts, List<String> gateways, List<String> exportTo,
                             List<HttpRoute> http, List<TcpRoute> tcp, List<TlsRoute> tls) implements TrafficRule {
    @Override
    public Kind kind() {
        return Kind.VIRTUAL_SERVICE;
    }

    /** The reserved gateway name meaning every sidecar. */
    public static final String MESH_GATEWAY = "mesh";

    public VirtualService {
        Objects.requireNonNull(meta, "meta");
        hosts = List.copyOf(hosts);
        gateways = List.copyOf(gateways);
        exportTo = List.copyOf(exportTo);
        http = List.copyOf(http);
        tcp = List.copyOf(tcp);
        tls = List.copyOf(tls);
    }

    /** Whether sidecars (the {@code mesh} gateway) use this VirtualService. */
    public boolean appliesToMesh() {
        return gateways.isEmpty() || gateways.contains(MESH_GATEWAY);
    }
}
