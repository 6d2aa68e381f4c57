package io.pilot4j.model;

/** Kinds of configuration objects the model is built from; part of {@link ConfigKey}. */
public enum Kind {
    SERVICE("Service"),
    ENDPOINT_SLICE("EndpointSlice"),
    ENDPOINTS("Endpoints"),
    SERVICE_ENTRY("ServiceEntry"),
    WORKLOAD_ENTRY("WorkloadEntry"),
    POD("Pod"),
    // Traffic rules (io.pilot4j.model.networking); a change is a full push to the proxies that read the kind.
    VIRTUAL_SERVICE("VirtualService"),
    DESTINATION_RULE("DestinationRule"),
    SIDECAR("Sidecar"),
    GATEWAY("Gateway"),
    MESH_CONFIG("MeshConfig");

    private final String kubeKind;

    Kind(String kubeKind) {
        this.kubeKind = kubeKind;
    }

    /** The Kubernetes "kind" spelling. */
    public String kubeKind() {
        return kubeKind;
    }

    @Override
    public String toString() {
        return kubeKind;
    }
}
