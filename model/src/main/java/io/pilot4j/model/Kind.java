package io.pilot4j.model;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A kind of configuration object, by its Kubernetes name; part of {@link ConfigKey}. An identity only: what a kind
 * is read from, how it converts and who reads it is its row in the registries' kind table ({@code ConfigKind}), and
 * a new kind needs no edit here: {@link #of} makes its identity. The constants are the kinds the model itself
 * names.
 *
 * <p>Kinds order as their keys' precedence does: the constants in the order below (a Kubernetes Service before a
 * ServiceEntry, so a Service wins a hostname they both declare), then every other kind by name.
 */
public final class Kind implements Comparable<Kind> {
    private static final Map<String, Kind> BY_NAME = new ConcurrentHashMap<>();
    private static int constants;

    public static final Kind SERVICE = constant("Service");
    public static final Kind ENDPOINT_SLICE = constant("EndpointSlice");
    public static final Kind ENDPOINTS = constant("Endpoints");
    public static final Kind SERVICE_ENTRY = constant("ServiceEntry");
    public static final Kind WORKLOAD_ENTRY = constant("WorkloadEntry");
    public static final Kind POD = constant("Pod");
    // Traffic rules (io.pilot4j.model.networking); a change is a full push to the proxies that read the kind.
    public static final Kind VIRTUAL_SERVICE = constant("VirtualService");
    public static final Kind DESTINATION_RULE = constant("DestinationRule");
    public static final Kind SIDECAR = constant("Sidecar");
    public static final Kind GATEWAY = constant("Gateway");
    public static final Kind MESH_CONFIG = constant("MeshConfig");

    private final String kubeKind;
    /** Position among the constants; the same, after them, for every other kind. */
    private final int rank;

    private Kind(String kubeKind, int rank) {
        this.kubeKind = kubeKind;
        this.rank = rank;
    }

    private static Kind constant(String kubeKind) {
        Kind k = new Kind(kubeKind, constants++);
        BY_NAME.put(kubeKind, k);
        return k;
    }

    /** The kind of this Kubernetes name, the same instance every time. */
    public static Kind of(String kubeKind) {
        Objects.requireNonNull(kubeKind, "kubeKind");
        if (kubeKind.isEmpty()) {
            throw new IllegalArgumentException("a kind has a name");
        }
        return BY_NAME.computeIfAbsent(kubeKind, k -> new Kind(k, Integer.MAX_VALUE));
    }

    /** The Kubernetes "kind" spelling. */
    public String kubeKind() {
        return kubeKind;
    }

    @Override
    public int compareTo(Kind o) {
        int c = Integer.compare(rank, o.rank);
        return c != 0 ? c : kubeKind.compareTo(o.kubeKind);
    }

    // One instance per name (of), so identity is equality.
    @Override
    public boolean equals(Object o) {
        return o == this;
    }

    @Override
    public int hashCode() {
        return kubeKind.hashCode();
    }

    @Override
    public String toString() {
        return kubeKind;
    }
}
