package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.endpoints.EndpointSliceConversion;
import io.pilot4j.serviceregistry.ConfigKind;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** The registry's informers, one per kind, read as a {@link ClusterCache}. */
final class InformerCache implements ClusterCache {
    static final String BY_SERVICE = "service";
    static final String BY_IP = "ip";

    final ResourceWatch<Namespace> namespaces;
    final ResourceWatch<Service> services;
    /** Exactly one of slices and endpoints is set, by what the cluster serves. */
    final ResourceWatch<EndpointSlice> slices;
    final ResourceWatch<Endpoints> endpoints;
    final ResourceWatch<Pod> pods;
    final ResourceWatch<Node> nodes;
    private final Map<ConfigKind, ResourceWatch<? extends HasMetadata>> istio = new EnumMap<>(ConfigKind.class);

    InformerCache(ResourceWatch<Namespace> namespaces, ResourceWatch<Service> services, ResourceWatch<EndpointSlice> slices,
                  ResourceWatch<Endpoints> endpoints, ResourceWatch<Pod> pods, ResourceWatch<Node> nodes) {
        this.namespaces = namespaces;
        this.services = services;
        this.slices = slices;
        this.endpoints = endpoints;
        this.pods = pods;
        this.nodes = nodes;
    }

    /** The slices of one Service: the index Istio's endpointslice controller lists by. */
    static Map<String, Function<EndpointSlice, List<String>>> sliceIndex() {
        return Map.of(BY_SERVICE, s -> {
            String service = Metadata.labels(s).get(EndpointSliceConversion.SERVICE_NAME_LABEL);
            return service == null ? List.of() : List.of(Metadata.namespace(s) + "/" + service);
        });
    }

    /**
     * Pods by IP, for endpoints managed by hand (no targetRef). As Istio's PodCache: only pods that belong in
     * endpoints (an IP, not finished, not being deleted) and are ready; hostNetwork pods share their node's IP.
     */
    static Map<String, Function<Pod, List<String>>> podIpIndex() {
        return Map.of(BY_IP, p -> {
            if (p.getStatus() == null || p.getMetadata().getDeletionTimestamp() != null
                    || "Succeeded".equals(p.getStatus().getPhase()) || "Failed".equals(p.getStatus().getPhase()) || !ready(p)) {
                return List.of();
            }
            Set<String> ips = new LinkedHashSet<>();
            if (p.getStatus().getPodIP() != null && !p.getStatus().getPodIP().isEmpty()) {
                ips.add(p.getStatus().getPodIP());
            }
            for (PodIP ip : p.getStatus().getPodIPs() == null ? List.<PodIP>of() : p.getStatus().getPodIPs()) {
                if (ip.getIp() != null && !ip.getIp().isEmpty()) {
                    ips.add(ip.getIp());
                }
            }
            return new ArrayList<>(ips);
        });
    }

    private static boolean ready(Pod p) {
        for (PodCondition c : p.getStatus().getConditions() == null ? List.<PodCondition>of() : p.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    synchronized void addIstio(ConfigKind kind, ResourceWatch<? extends HasMetadata> watch) {
        istio.put(kind, watch);
    }

    /** Forgets a kind (its CRD is gone) if {@code watch} is still the one reading it. */
    synchronized boolean removeIstio(ConfigKind kind, ResourceWatch<? extends HasMetadata> watch) {
        return istio.remove(kind, watch);
    }

    synchronized boolean watchesIstio(ConfigKind kind) {
        return istio.containsKey(kind);
    }

    /** Every informer started so far. */
    synchronized List<ResourceWatch<?>> all() {
        List<ResourceWatch<?>> out = new ArrayList<>(List.of(namespaces, services, slices != null ? slices : endpoints, pods, nodes));
        out.addAll(istio.values());
        return out;
    }

    @Override
    public Optional<Namespace> namespace(String name) {
        return namespaces.get(null, name);
    }

    @Override
    public List<Pod> pods() {
        return pods.list();
    }

    @Override
    public List<Service> services() {
        return services.list();
    }

    @Override
    public boolean slicesServed() {
        return slices != null;
    }

    @Override
    public List<EndpointSlice> slicesOf(String namespace, String serviceName) {
        return slices.byIndex(BY_SERVICE, namespace + "/" + serviceName);
    }

    @Override
    public Optional<Endpoints> endpointsOf(String namespace, String serviceName) {
        return endpoints.get(namespace, serviceName);
    }

    @Override
    public synchronized List<? extends HasMetadata> istio(ConfigKind kind) {
        ResourceWatch<? extends HasMetadata> watch = istio.get(kind);
        return watch == null ? List.of() : watch.list();
    }

    @Override
    public Optional<EndpointSlice> slice(String namespace, String name) {
        return slices == null ? Optional.empty() : slices.get(namespace, name);
    }

    @Override
    public Optional<Pod> podNamed(String namespace, String name) {
        return pods.get(namespace, name);
    }

    @Override
    public synchronized Optional<? extends HasMetadata> istio(ConfigKind kind, String namespace, String name) {
        ResourceWatch<? extends HasMetadata> watch = istio.get(kind);
        return watch == null ? Optional.empty() : watch.get(namespace, name);
    }

    @Override
    public boolean knowsPods() {
        return true;
    }

    @Override
    public Optional<Pod> pod(String namespace, String address, ObjectReference targetRef) {
        if (targetRef != null && "Pod".equals(targetRef.getKind())) {
            String ns = targetRef.getNamespace() == null || targetRef.getNamespace().isEmpty() ? namespace : targetRef.getNamespace();
            return pods.get(ns, targetRef.getName());
        }
        // Several pods can share an IP (hostNetwork); the one in the endpoint's namespace is the best guess, as in Istio.
        for (Pod p : pods.byIndex(BY_IP, address)) {
            if (namespace.equals(Metadata.namespace(p))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Node> node(String name) {
        return name == null || name.isEmpty() ? Optional.empty() : nodes.get(null, name);
    }

    @Override
    public Optional<Service> service(String namespace, String name) {
        return services.get(namespace, name);
    }
}
