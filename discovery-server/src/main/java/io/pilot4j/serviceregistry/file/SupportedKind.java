package io.pilot4j.serviceregistry.file;

import io.pilot4j.serviceregistry.Converted;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.endpoints.EndpointSliceConversion;
import io.pilot4j.kube.endpoints.EndpointsConversion;
import io.pilot4j.kube.service.ServiceConversion;
import io.pilot4j.kube.serviceentry.ServiceEntryConversion;
import io.pilot4j.model.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The apiVersion/kind pairs the file registry serves, each with the class it is read into and its conversion. */
enum SupportedKind {
    SERVICE("v1", "Service", Service.class, Kind.SERVICE),
    ENDPOINTS("v1", "Endpoints", Endpoints.class, Kind.ENDPOINTS),
    ENDPOINT_SLICE("discovery.k8s.io/v1", "EndpointSlice", EndpointSlice.class, Kind.ENDPOINT_SLICE),
    SERVICE_ENTRY_V1("networking.istio.io/v1", "ServiceEntry", io.fabric8.istio.api.networking.v1.ServiceEntry.class, Kind.SERVICE_ENTRY),
    SERVICE_ENTRY_V1BETA1("networking.istio.io/v1beta1", "ServiceEntry",
            io.fabric8.istio.api.networking.v1beta1.ServiceEntry.class, Kind.SERVICE_ENTRY),
    SERVICE_ENTRY_V1ALPHA3("networking.istio.io/v1alpha3", "ServiceEntry",
            io.fabric8.istio.api.networking.v1alpha3.ServiceEntry.class, Kind.SERVICE_ENTRY);

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

    /** Converts an object of this kind; the object must be of {@link #type()}. */
    Result<Converted> convert(HasMetadata object, String domainSuffix) {
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
