package io.pilot4j.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A service as every proxy sees it, whatever registry it came from (Istio's model.Service).
 *
 * @param hostname     fully qualified name: {@code name.namespace.svc.<domain>} for Kubernetes, the host of a ServiceEntry
 * @param namespace    the namespace of the object that declared it
 * @param ports        ports in declaration order, unique by number
 * @param labels       the service's own labels
 * @param addresses    virtual IPs (ClusterIP, ServiceEntry addresses); empty when there is none
 * @param resolution   how proxies reach endpoints
 * @param meshExternal true for MESH_EXTERNAL ServiceEntries
 * @param exportTo     namespaces that may see it: "*" all, "." own namespace, or names; empty means the mesh default
 */
public record Service(
        String hostname,
        String namespace,
        List<ServicePort> ports,
        Map<String, String> labels,
        List<String> addresses,
        Resolution resolution,
        boolean meshExternal,
        Set<String> exportTo) {

    public Service {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(resolution, "resolution");
        ports = List.copyOf(ports);
        labels = Map.copyOf(labels);
        addresses = List.copyOf(addresses);
        exportTo = Set.copyOf(exportTo);
    }

    public Optional<ServicePort> port(int number) {
        for (ServicePort p : ports) {
            if (p.port() == number) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The first virtual IP, if any; Istio's GetAddressForProxy without multi-network. */
    public Optional<String> address() {
        return addresses.isEmpty() ? Optional.empty() : Optional.of(addresses.get(0));
    }
}
