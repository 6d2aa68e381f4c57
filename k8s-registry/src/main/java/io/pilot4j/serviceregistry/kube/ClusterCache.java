package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.endpoints.ClusterView;
import io.pilot4j.serviceregistry.ConfigKind;

import java.util.List;
import java.util.Optional;

/** What the registry's informers hold, as {@link KubeStateBuilder} reads it; tests give it from plain lists. */
interface ClusterCache extends ClusterView {
    Optional<Namespace> namespace(String name);

    List<Service> services();

    /** False on clusters without {@code discovery.k8s.io/v1}: then Endpoints are read instead. */
    boolean slicesServed();

    /** The slices labelled with the Service's name (the informer keeps an index by that label). */
    List<EndpointSlice> slicesOf(String namespace, String serviceName);

    Optional<Endpoints> endpointsOf(String namespace, String serviceName);

    /** Every pod of the cluster, for the ServiceEntries whose workloadSelector selects pods. */
    List<Pod> pods();

    /** Objects of an Istio kind, empty while its CRD is missing. */
    List<? extends HasMetadata> istio(ConfigKind kind);

    // By key, for the keys an informer event names.

    Optional<EndpointSlice> slice(String namespace, String name);

    Optional<Pod> podNamed(String namespace, String name);

    /** An Istio object; none while its kind's CRD is missing. */
    Optional<? extends HasMetadata> istio(ConfigKind kind, String namespace, String name);
}
