package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.model.Kind;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Istio networking kinds read from the cluster, each in the versions its CRD may serve, newest first: Istio
 * 1.22+ serves v1, older releases v1beta1 and v1alpha3. One version is watched, the newest the server offers, so an
 * object is never seen twice.
 */
enum IstioKind {
    SERVICE_ENTRY("serviceentries", Kind.SERVICE_ENTRY,
            io.fabric8.istio.api.networking.v1.ServiceEntry.class,
            io.fabric8.istio.api.networking.v1beta1.ServiceEntry.class,
            io.fabric8.istio.api.networking.v1alpha3.ServiceEntry.class),
    VIRTUAL_SERVICE("virtualservices", Kind.VIRTUAL_SERVICE,
            io.fabric8.istio.api.networking.v1.VirtualService.class,
            io.fabric8.istio.api.networking.v1beta1.VirtualService.class,
            io.fabric8.istio.api.networking.v1alpha3.VirtualService.class),
    DESTINATION_RULE("destinationrules", Kind.DESTINATION_RULE,
            io.fabric8.istio.api.networking.v1.DestinationRule.class,
            io.fabric8.istio.api.networking.v1beta1.DestinationRule.class,
            io.fabric8.istio.api.networking.v1alpha3.DestinationRule.class),
    SIDECAR("sidecars", Kind.SIDECAR,
            io.fabric8.istio.api.networking.v1.Sidecar.class,
            io.fabric8.istio.api.networking.v1beta1.Sidecar.class,
            io.fabric8.istio.api.networking.v1alpha3.Sidecar.class),
    GATEWAY("gateways", Kind.GATEWAY,
            io.fabric8.istio.api.networking.v1.Gateway.class,
            io.fabric8.istio.api.networking.v1beta1.Gateway.class,
            io.fabric8.istio.api.networking.v1alpha3.Gateway.class);

    static final String GROUP = "networking.istio.io";

    private final String plural;
    private final Kind modelKind;
    private final Map<String, Class<? extends HasMetadata>> byVersion = new LinkedHashMap<>();

    IstioKind(String plural, Kind modelKind, Class<? extends HasMetadata> v1, Class<? extends HasMetadata> v1beta1,
              Class<? extends HasMetadata> v1alpha3) {
        this.plural = plural;
        this.modelKind = modelKind;
        byVersion.put("v1", v1);
        byVersion.put("v1beta1", v1beta1);
        byVersion.put("v1alpha3", v1alpha3);
    }

    String plural() {
        return plural;
    }

    Kind modelKind() {
        return modelKind;
    }

    /** The RBAC and CRD name: {@code virtualservices.networking.istio.io}. */
    String resource() {
        return plural + "." + GROUP;
    }

    /** Versions newest first. */
    Iterable<String> versions() {
        return byVersion.keySet();
    }

    Class<? extends HasMetadata> type(String version) {
        return byVersion.get(version);
    }
}
