package io.pilot4j.serviceregistry;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.endpoints.ClusterView;
import io.pilot4j.kube.endpoints.EndpointSliceConversion;
import io.pilot4j.kube.endpoints.EndpointsConversion;
import io.pilot4j.kube.networking.DestinationRuleConversion;
import io.pilot4j.kube.networking.GatewayConversion;
import io.pilot4j.kube.networking.SidecarConversion;
import io.pilot4j.kube.networking.VirtualServiceConversion;
import io.pilot4j.kube.service.ServiceConversion;
import io.pilot4j.kube.serviceentry.PodInstanceConversion;
import io.pilot4j.kube.serviceentry.ServiceEntryConversion;
import io.pilot4j.kube.serviceentry.WorkloadEntryConversion;
import io.pilot4j.model.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every kind of config object pilot4j reads, one row each: its identity, where it comes from (API group, plural,
 * versions newest first with their fabric8 class), what it is to a registry (its role), its conversion to the model,
 * and which proxies' generators read it. The file registry, the Kubernetes registry, the change detection and the
 * push scope all read this table and nothing else about a kind.
 *
 * <p>Adding a kind is one row here, its pure conversion (and the model record it yields), and the generators that
 * read it.
 */
public enum ConfigKind {
    SERVICE(Kind.SERVICE, "", "services", Role.SERVICES, Readers.ALL,
            List.of(core("v1", Service.class)),
            (o, spec, c) -> ServiceConversion.convert((Service) o, c.domainSuffix()).map(s -> new Converted.Services(List.of(s)))),
    ENDPOINTS(Kind.ENDPOINTS, "", "endpoints", Role.ENDPOINTS, Readers.ALL,
            List.of(core("v1", Endpoints.class)),
            (o, spec, c) -> EndpointsConversion.convert((Endpoints) o, c.domainSuffix(), c.cluster()).map(Converted.Endpoints::new)),
    ENDPOINT_SLICE(Kind.ENDPOINT_SLICE, "discovery.k8s.io", "endpointslices", Role.ENDPOINTS, Readers.ALL,
            List.of(core("v1", EndpointSlice.class)),
            (o, spec, c) -> EndpointSliceConversion.convert((EndpointSlice) o, c.domainSuffix(), c.cluster()).map(Converted.Endpoints::new)),
    /** A pod as a workload: only those a ServiceEntry's workloadSelector selects are read as such. */
    POD(Kind.POD, "", "pods", Role.WORKLOADS, Readers.ALL,
            List.of(core("v1", Pod.class)),
            (o, spec, c) -> PodInstanceConversion.convert((Pod) o, c.cluster()).map(w -> new Converted.Workload(Metadata.namespace(o), w))),
    SERVICE_ENTRY(Kind.SERVICE_ENTRY, ConfigKind.ISTIO_NETWORKING, "serviceentries", Role.SERVICES, Readers.ALL,
            istio(io.fabric8.istio.api.networking.v1.ServiceEntry.class, io.fabric8.istio.api.networking.v1.ServiceEntry::getSpec,
                    io.fabric8.istio.api.networking.v1beta1.ServiceEntry.class, io.fabric8.istio.api.networking.v1beta1.ServiceEntry::getSpec,
                    io.fabric8.istio.api.networking.v1alpha3.ServiceEntry.class, io.fabric8.istio.api.networking.v1alpha3.ServiceEntry::getSpec),
            (o, spec, c) -> ServiceEntryConversion.convert(o, (io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntry) spec)
                    .map(Converted.Services::new)),
    WORKLOAD_ENTRY(Kind.WORKLOAD_ENTRY, ConfigKind.ISTIO_NETWORKING, "workloadentries", Role.WORKLOADS, Readers.ALL,
            istio(io.fabric8.istio.api.networking.v1.WorkloadEntry.class, io.fabric8.istio.api.networking.v1.WorkloadEntry::getSpec,
                    io.fabric8.istio.api.networking.v1beta1.WorkloadEntry.class, io.fabric8.istio.api.networking.v1beta1.WorkloadEntry::getSpec,
                    io.fabric8.istio.api.networking.v1alpha3.WorkloadEntry.class, io.fabric8.istio.api.networking.v1alpha3.WorkloadEntry::getSpec),
            (o, spec, c) -> WorkloadEntryConversion.convert(o, (io.fabric8.istio.api.api.networking.v1alpha3.WorkloadEntry) spec)
                    .map(w -> new Converted.Workload(Metadata.namespace(o), w))),
    VIRTUAL_SERVICE(Kind.VIRTUAL_SERVICE, ConfigKind.ISTIO_NETWORKING, "virtualservices", Role.RULE, Readers.ALL,
            istio(io.fabric8.istio.api.networking.v1.VirtualService.class, io.fabric8.istio.api.networking.v1.VirtualService::getSpec,
                    io.fabric8.istio.api.networking.v1beta1.VirtualService.class, io.fabric8.istio.api.networking.v1beta1.VirtualService::getSpec,
                    io.fabric8.istio.api.networking.v1alpha3.VirtualService.class, io.fabric8.istio.api.networking.v1alpha3.VirtualService::getSpec),
            (o, spec, c) -> VirtualServiceConversion.convert(o, (io.fabric8.istio.api.api.networking.v1alpha3.VirtualService) spec,
                    c.domainSuffix()).map(Converted.Rule::new)),
    DESTINATION_RULE(Kind.DESTINATION_RULE, ConfigKind.ISTIO_NETWORKING, "destinationrules", Role.RULE, Readers.ALL,
            istio(io.fabric8.istio.api.networking.v1.DestinationRule.class, io.fabric8.istio.api.networking.v1.DestinationRule::getSpec,
                    io.fabric8.istio.api.networking.v1beta1.DestinationRule.class, io.fabric8.istio.api.networking.v1beta1.DestinationRule::getSpec,
                    io.fabric8.istio.api.networking.v1alpha3.DestinationRule.class, io.fabric8.istio.api.networking.v1alpha3.DestinationRule::getSpec),
            (o, spec, c) -> DestinationRuleConversion.convert(o, (io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule) spec,
                    c.domainSuffix()).map(Converted.Rule::new)),
    /** Sidecars scope sidecars and gRPC clients; routers never (Istio's per-kind ProxyNeedsPush). */
    SIDECAR(Kind.SIDECAR, ConfigKind.ISTIO_NETWORKING, "sidecars", Role.RULE, Readers.NOT_ROUTERS,
            istio(io.fabric8.istio.api.networking.v1.Sidecar.class, io.fabric8.istio.api.networking.v1.Sidecar::getSpec,
                    io.fabric8.istio.api.networking.v1beta1.Sidecar.class, io.fabric8.istio.api.networking.v1beta1.Sidecar::getSpec,
                    io.fabric8.istio.api.networking.v1alpha3.Sidecar.class, io.fabric8.istio.api.networking.v1alpha3.Sidecar::getSpec),
            (o, spec, c) -> SidecarConversion.convert(o, (io.fabric8.istio.api.api.networking.v1alpha3.Sidecar) spec)
                    .map(Converted.Rule::new)),
    /** Gateways configure routers only. */
    GATEWAY(Kind.GATEWAY, ConfigKind.ISTIO_NETWORKING, "gateways", Role.RULE, Readers.ROUTERS,
            istio(io.fabric8.istio.api.networking.v1.Gateway.class, io.fabric8.istio.api.networking.v1.Gateway::getSpec,
                    io.fabric8.istio.api.networking.v1beta1.Gateway.class, io.fabric8.istio.api.networking.v1beta1.Gateway::getSpec,
                    io.fabric8.istio.api.networking.v1alpha3.Gateway.class, io.fabric8.istio.api.networking.v1alpha3.Gateway::getSpec),
            (o, spec, c) -> GatewayConversion.convert(o, (io.fabric8.istio.api.api.networking.v1alpha3.Gateway) spec)
                    .map(Converted.Rule::new));

    /** Istio's networking API group. Its CRDs serve v1 since Istio 1.22, v1beta1 and v1alpha3 before. */
    public static final String ISTIO_NETWORKING = "networking.istio.io";

    /** What a kind is to a registry. */
    public enum Role {
        /** Declares services (a Kubernetes Service, a ServiceEntry's hosts); a change is a full push. */
        SERVICES,
        /** Endpoints of a Service declared elsewhere; a change alone is an EDS push. */
        ENDPOINTS,
        /** A workload (WorkloadEntry) that ServiceEntries select by label: endpoints too, so a change alone is an EDS push. */
        WORKLOADS,
        /**
         * A traffic rule, validated whole: an unknown field rejects it, as Istio's API server does (for the other
         * roles it is a warning, as kubectl's client-side validation made it). A change is a full push to the
         * proxies that read the kind.
         */
        RULE
    }

    /** Whose generators read a kind, so whom a change of it is pushed to. */
    public enum Readers {
        ALL, NOT_ROUTERS, ROUTERS;

        public boolean readBy(boolean router) {
            return this == ALL || (this == ROUTERS) == router;
        }
    }

    /** What a conversion may read besides the object: the domain, and what the cluster knows (nothing, in a file). */
    public record Context(String domainSuffix, ClusterView cluster) {
        public static Context of(String domainSuffix) {
            return new Context(domainSuffix, ClusterView.NONE);
        }
    }

    /** One served version: its fabric8 class and how to read its spec (the whole object for core kinds). */
    public record Version<T extends HasMetadata>(String name, Class<T> type, Function<T, ?> spec) {
        Object specOf(HasMetadata object) {
            return spec.apply(type.cast(object));
        }
    }

    @FunctionalInterface
    interface Conversion {
        Result<Converted> convert(HasMetadata object, Object spec, Context context);
    }

    private final Kind kind;
    private final String group;
    private final String plural;
    private final Role role;
    private final Readers readers;
    private final List<Version<?>> versions;
    private final Conversion conversion;

    ConfigKind(Kind kind, String group, String plural, Role role, Readers readers, List<Version<?>> versions, Conversion conversion) {
        this.kind = kind;
        this.group = group;
        this.plural = plural;
        this.role = role;
        this.readers = readers;
        this.versions = List.copyOf(versions);
        this.conversion = conversion;
    }

    private static <T extends HasMetadata> Version<T> core(String name, Class<T> type) {
        return new Version<>(name, type, Function.identity());
    }

    /** The three versions Istio's networking CRDs serve, newest first; they share one spec class. */
    private static <A extends HasMetadata, B extends HasMetadata, C extends HasMetadata> List<Version<?>> istio(
            Class<A> v1, Function<A, ?> v1Spec, Class<B> v1beta1, Function<B, ?> v1beta1Spec, Class<C> v1alpha3, Function<C, ?> v1alpha3Spec) {
        return List.of(new Version<>("v1", v1, v1Spec), new Version<>("v1beta1", v1beta1, v1beta1Spec),
                new Version<>("v1alpha3", v1alpha3, v1alpha3Spec));
    }

    /** The row of a model kind; every kind a registry yields has one. */
    public static ConfigKind of(Kind kind) {
        return lookup(kind).orElseThrow(() -> new IllegalArgumentException("no ConfigKind row for " + kind));
    }

    /** The row of a kind, if it has one: the mesh file's kind, say, has none. */
    public static Optional<ConfigKind> lookup(Kind kind) {
        for (ConfigKind k : values()) {
            if (k.kind == kind) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The row and version of an apiVersion/kind pair as written in a file ("networking.istio.io/v1", "VirtualService"). */
    public static Optional<Served> find(String apiVersion, String kubeKind) {
        for (ConfigKind k : values()) {
            if (!k.kind.kubeKind().equals(kubeKind)) {
                continue;
            }
            for (Version<?> v : k.versions) {
                if (k.apiVersion(v).equals(apiVersion)) {
                    return Optional.of(new Served(k, v));
                }
            }
        }
        return Optional.empty();
    }

    /** The apiVersions served for a Kubernetes kind name; empty when the kind is not read at all. */
    public static List<String> apiVersionsOf(String kubeKind) {
        List<String> out = new ArrayList<>();
        for (ConfigKind k : values()) {
            if (k.kind.kubeKind().equals(kubeKind)) {
                k.versions.forEach(v -> out.add(k.apiVersion(v)));
            }
        }
        return out;
    }

    /** The kinds of an API group, in table order ({@link #ISTIO_NETWORKING}: the CRDs the Kubernetes registry looks for). */
    public static List<ConfigKind> ofGroup(String group) {
        List<ConfigKind> out = new ArrayList<>();
        for (ConfigKind k : values()) {
            if (k.group.equals(group)) {
                out.add(k);
            }
        }
        return out;
    }

    /** A kind in one of its versions. */
    public record Served(ConfigKind kind, Version<?> version) {
        public Class<? extends HasMetadata> type() {
            return version.type();
        }

        /** Converts an object of {@link #type()}. */
        public Result<Converted> convert(HasMetadata object, Context context) {
            return kind.conversion.convert(object, version.specOf(object), context);
        }
    }

    private String apiVersion(Version<?> v) {
        return group.isEmpty() ? v.name() : group + "/" + v.name();
    }

    public Kind kind() {
        return kind;
    }

    public String group() {
        return group;
    }

    public String plural() {
        return plural;
    }

    /** The RBAC and CRD name: {@code virtualservices.networking.istio.io}, {@code pods}. */
    public String resource() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    public Role role() {
        return role;
    }

    public Readers readers() {
        return readers;
    }

    /** Served versions, newest first. */
    public List<Version<?>> versions() {
        return versions;
    }

    /** The version by name ("v1beta1"), if served. */
    public Optional<Served> version(String name) {
        return versions.stream().filter(v -> v.name().equals(name)).findFirst().map(v -> new Served(this, v));
    }

    /** Converts an object of any of this kind's versions. */
    public Result<Converted> convert(HasMetadata object, Context context) {
        for (Version<?> v : versions) {
            if (v.type().isInstance(object)) {
                return new Served(this, v).convert(object, context);
            }
        }
        throw new IllegalArgumentException(object.getClass().getName() + " is not a version of " + kind);
    }
}
