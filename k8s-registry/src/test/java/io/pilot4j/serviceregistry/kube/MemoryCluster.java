package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.endpoints.EndpointSliceConversion;
import io.pilot4j.kube.testing.MapClusterView;
import io.pilot4j.serviceregistry.ConfigKind;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link ClusterCache} over plain lists: the informers' content without the informers. */
final class MemoryCluster implements ClusterCache {
    final List<Namespace> namespaces = new ArrayList<>();
    final List<Service> services = new ArrayList<>();
    final List<EndpointSlice> slices = new ArrayList<>();
    final List<Endpoints> endpoints = new ArrayList<>();
    final Map<ConfigKind, List<HasMetadata>> istio = new EnumMap<>(ConfigKind.class);
    final MapClusterView workloads = new MapClusterView();
    boolean slicesServed = true;

    @Override
    public Optional<Namespace> namespace(String name) {
        return namespaces.stream().filter(n -> Metadata.name(n).equals(name)).findFirst();
    }

    @Override
    public List<Pod> pods() {
        return workloads.pods();
    }

    @Override
    public List<Service> services() {
        return services;
    }

    @Override
    public boolean slicesServed() {
        return slicesServed;
    }

    @Override
    public List<EndpointSlice> slicesOf(String namespace, String serviceName) {
        return slices.stream().filter(s -> Metadata.namespace(s).equals(namespace)
                && serviceName.equals(Metadata.labels(s).get(EndpointSliceConversion.SERVICE_NAME_LABEL))).toList();
    }

    @Override
    public Optional<Endpoints> endpointsOf(String namespace, String serviceName) {
        return endpoints.stream().filter(e -> Metadata.namespace(e).equals(namespace) && Metadata.name(e).equals(serviceName)).findFirst();
    }

    @Override
    public List<? extends HasMetadata> istio(ConfigKind kind) {
        return istio.getOrDefault(kind, List.of());
    }

    @Override
    public Optional<EndpointSlice> slice(String namespace, String name) {
        return slices.stream().filter(s -> Metadata.namespace(s).equals(namespace) && Metadata.name(s).equals(name)).findFirst();
    }

    @Override
    public Optional<Pod> podNamed(String namespace, String name) {
        return workloads.pods().stream().filter(p -> Metadata.namespace(p).equals(namespace) && Metadata.name(p).equals(name)).findFirst();
    }

    @Override
    public Optional<? extends HasMetadata> istio(ConfigKind kind, String namespace, String name) {
        return istio(kind).stream().filter(o -> Metadata.namespace(o).equals(namespace) && Metadata.name(o).equals(name)).findFirst();
    }

    @Override
    public boolean knowsPods() {
        return workloads.knowsPods();
    }

    @Override
    public Optional<Pod> pod(String namespace, String address, ObjectReference targetRef) {
        return workloads.pod(namespace, address, targetRef);
    }

    @Override
    public Optional<Node> node(String name) {
        return workloads.node(name);
    }

    @Override
    public Optional<Service> service(String namespace, String name) {
        return services.stream().filter(s -> Metadata.namespace(s).equals(namespace) && Metadata.name(s).equals(name)).findFirst();
    }
}
