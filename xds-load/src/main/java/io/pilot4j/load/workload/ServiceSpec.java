package io.pilot4j.load.workload;

import java.util.List;
import java.util.Objects;

/**
 * One service of the workload, as one ServiceEntry file declares it: one host, one VIP, one HTTP port, STATIC
 * endpoints on that port.
 *
 * @param name      the ServiceEntry's name, also its file name ({@code name.yaml})
 * @param hostname  the ServiceEntry's host, Kubernetes-shaped so proxies get Istio's short alternate names
 * @param endpoints endpoint addresses, in order
 */
public record ServiceSpec(String name, String namespace, String hostname, String vip, int port, List<String> endpoints) {
    public ServiceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(vip, "vip");
        endpoints = List.copyOf(endpoints);
    }

    /** Istio's cluster name for the port: what CDS and EDS name this service by. */
    public String clusterName() {
        return "outbound|" + port + "||" + hostname;
    }

    public String fileName() {
        return name + ".yaml";
    }

    public ServiceSpec withEndpoint(int index, String address) {
        List<String> changed = new java.util.ArrayList<>(endpoints);
        changed.set(index, address);
        return new ServiceSpec(name, namespace, hostname, vip, port, changed);
    }
}
