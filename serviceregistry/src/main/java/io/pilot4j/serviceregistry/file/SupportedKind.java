package io.pilot4j.serviceregistry.file;

import io.pilot4j.serviceregistry.Converted;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.endpoints.EndpointSliceConversion;
import io.pilot4j.kube.endpoints.EndpointsConversion;
import io.pilot4j.kube.networking.NetworkingConversion;
import io.pilot4j.kube.service.ServiceConversion;
import io.pilot4j.kube.serviceentry.ServiceEntryConversion;
import io.pilot4j.model.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The apiVersion/kind pairs the file registry serves, each with the class it is read into and its conversion. Istio's
 * networking kinds come in the three versions Istio serves, which share one spec.
 */
enum SupportedKind {
    SERVICE("v1", "Service", Service.class, Kind.SERVICE),
    ENDPOINTS("v1", "Endpoints", Endpoints.class, Kind.ENDPOINTS),
    ENDPOINT_SLICE("discovery.k8s.io/v1", "EndpointSlice", EndpointSlice.class, Kind.ENDPOINT_SLICE),
    SERVICE_ENTRY_V1("networking.istio.io/v1", "ServiceEntry", io.fabric8.istio.api.networking.v1.ServiceEntry.class, Kind.SERVICE_ENTRY),
    SERVICE_ENTRY_V1BETA1("networking.istio.io/v1beta1", "ServiceEntry",
            io.fabric8.istio.api.networking.v1beta1.ServiceEntry.class, Kind.SERVICE_ENTRY),
    SERVICE_ENTRY_V1ALPHA3("networking.istio.io/v1alpha3", "ServiceEntry",
            io.fabric8.istio.api.networking.v1alpha3.ServiceEntry.class, Kind.SERVICE_ENTRY),
    VIRTUAL_SERVICE_V1("networking.istio.io/v1", "VirtualService", io.fabric8.istio.api.networking.v1.VirtualService.class,
            Kind.VIRTUAL_SERVICE),
    VIRTUAL_SERVICE_V1BETA1("networking.istio.io/v1beta1", "VirtualService",
            io.fabric8.istio.api.networking.v1beta1.VirtualService.class, Kind.VIRTUAL_SERVICE),
    VIRTUAL_SERVICE_V1ALPHA3("networking.istio.io/v1alpha3", "VirtualService",
            io.fabric8.istio.api.networking.v1alpha3.VirtualService.class, Kind.VIRTUAL_SERVICE),
    DESTINATION_RULE_V1("networking.istio.io/v1", "DestinationRule", io.fabric8.istio.api.networking.v1.DestinationRule.class,
            Kind.DESTINATION_RULE),
    DESTINATION_RULE_V1BETA1("networking.istio.io/v1beta1", "DestinationRule",
            io.fabric8.istio.api.networking.v1beta1.DestinationRule.class, Kind.DESTINATION_RULE),
    DESTINATION_RULE_V1ALPHA3("networking.istio.io/v1alpha3", "DestinationRule",
            io.fabric8.istio.api.networking.v1alpha3.DestinationRule.class, Kind.DESTINATION_RULE),
    SIDECAR_V1("networking.istio.io/v1", "Sidecar", io.fabric8.istio.api.networking.v1.Sidecar.class, Kind.SIDECAR),
    SIDECAR_V1BETA1("networking.istio.io/v1beta1", "Sidecar", io.fabric8.istio.api.networking.v1beta1.Sidecar.class, Kind.SIDECAR),
    SIDECAR_V1ALPHA3("networking.istio.io/v1alpha3", "Sidecar", io.fabric8.istio.api.networking.v1alpha3.Sidecar.class, Kind.SIDECAR),
    GATEWAY_V1("networking.istio.io/v1", "Gateway", io.fabric8.istio.api.networking.v1.Gateway.class, Kind.GATEWAY),
    GATEWAY_V1BETA1("networking.istio.io/v1beta1", "Gateway", io.fabric8.istio.api.networking.v1beta1.Gateway.class, Kind.GATEWAY),
    GATEWAY_V1ALPHA3("networking.istio.io/v1alpha3", "Gateway", io.fabric8.istio.api.networking.v1alpha3.Gateway.class, Kind.GATEWAY);

    private final String apiVersion;
    private final String kind;
    private final Class<? extends HasMetadata> type;
    private final Kind modelKind;

    SupportedKind(String apiVersion, String kind, Class<? extends HasMetadata> type, Kind modelKind) {
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.type = type;
        this.modelKind = modelKind;
    }

    static Optional<SupportedKind> find(String apiVersion, String kind) {
        for (SupportedKind k : values()) {
            if (k.apiVersion.equals(apiVersion) && k.kind.equals(kind)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The apiVersions served for a kind, empty if the kind is not served at all. */
    static List<String> apiVersionsOf(String kind) {
        List<String> out = new ArrayList<>();
        for (SupportedKind k : values()) {
            if (k.kind.equals(kind)) {
                out.add(k.apiVersion);
            }
        }
        return out;
    }

    String kind() {
        return kind;
    }

    Class<? extends HasMetadata> type() {
        return type;
    }

    Kind modelKind() {
        return modelKind;
    }

    /**
     * Traffic rules are validated whole, unknown fields included (Istio's API server rejects those); for the other
     * kinds an unknown field is a warning, as kubectl's client-side validation used to make it.
     */
    boolean isTrafficRule() {
        return modelKind == Kind.VIRTUAL_SERVICE || modelKind == Kind.DESTINATION_RULE || modelKind == Kind.SIDECAR
                || modelKind == Kind.GATEWAY;
    }

    /** Converts an object of this kind; the object must be of {@link #type()}. */
    Result<Converted> convert(HasMetadata object, String domainSuffix) {
        if (isTrafficRule()) {
            return NetworkingConversion.convert(object, domainSuffix)
                    .orElseThrow(() -> new IllegalStateException("no conversion for " + this))
                    .map(Converted.Rule::new);
        }
        switch (this) {
            case SERVICE:
                return ServiceConversion.convert((Service) object, domainSuffix).map(s -> new Converted.Services(List.of(s)));
            case ENDPOINTS:
                return EndpointsConversion.convert((Endpoints) object, domainSuffix).map(Converted.Endpoints::new);
            case ENDPOINT_SLICE:
                return EndpointSliceConversion.convert((EndpointSlice) object, domainSuffix).map(Converted.Endpoints::new);
            case SERVICE_ENTRY_V1:
                return ServiceEntryConversion.convert((io.fabric8.istio.api.networking.v1.ServiceEntry) object).map(Converted.Services::new);
            case SERVICE_ENTRY_V1BETA1:
                return ServiceEntryConversion.convert((io.fabric8.istio.api.networking.v1beta1.ServiceEntry) object).map(Converted.Services::new);
            case SERVICE_ENTRY_V1ALPHA3:
                return ServiceEntryConversion.convert((io.fabric8.istio.api.networking.v1alpha3.ServiceEntry) object).map(Converted.Services::new);
            default:
                throw new IllegalStateException("no conversion for " + this);
        }
    }
}
