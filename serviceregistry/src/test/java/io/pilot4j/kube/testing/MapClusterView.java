package io.pilot4j.kube.testing;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Yaml;
import io.pilot4j.kube.endpoints.ClusterView;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A {@link ClusterView} over objects given as YAML, for conversion tables. */
public final class MapClusterView implements ClusterView {
    private final List<Pod> pods = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();

    public MapClusterView withPod(String yaml) {
        pods.add(Yaml.read(yaml, Pod.class));
        return this;
    }

    /** Adds a node, or replaces the one of its name with this new instance, as an informer's cache does. */
    public MapClusterView withNode(String yaml) {
        Node node = Yaml.read(yaml, Node.class);
        nodes.removeIf(n -> Metadata.name(n).equals(Metadata.name(node)));
        nodes.add(node);
        return this;
    }

    public MapClusterView withService(String yaml) {
        services.add(Yaml.read(yaml, Service.class));
        return this;
    }

    /** Adds a pod, or replaces the one of its namespace and name; returns the one replaced, or null. */
    public Pod putPod(Pod pod) {
        Pod old = removePod(Metadata.namespace(pod), Metadata.name(pod));
        pods.add(pod);
        return old;
    }

    /** Removes a pod; returns it, or null. */
    public Pod removePod(String namespace, String name) {
        for (Pod p : pods) {
            if (Metadata.namespace(p).equals(namespace) && Metadata.name(p).equals(name)) {
                pods.remove(p);
                return p;
            }
        }
        return null;
    }

    /** Adds a node, or replaces the one of its name; returns the one replaced, or null. */
    public Node putNode(Node node) {
        Node old = removeNode(Metadata.name(node));
        nodes.add(node);
        return old;
    }

    /** Removes a node; returns it, or null. */
    public Node removeNode(String name) {
        for (Node n : nodes) {
            if (Metadata.name(n).equals(name)) {
                nodes.remove(n);
                return n;
            }
        }
        return null;
    }

    public List<Pod> pods() {
        return List.copyOf(pods);
    }

    @Override
    public boolean knowsPods() {
        return true;
    }

    @Override
    public Optional<Pod> pod(String namespace, String address, ObjectReference targetRef) {
        return pods.stream().filter(p -> targetRef != null
                ? Metadata.name(p).equals(targetRef.getName()) && Metadata.namespace(p).equals(targetRef.getNamespace())
                : Metadata.namespace(p).equals(namespace) && p.getStatus() != null && address.equals(p.getStatus().getPodIP()))
                .findFirst();
    }

    @Override
    public Optional<Node> node(String name) {
        return nodes.stream().filter(n -> Metadata.name(n).equals(name)).findFirst();
    }

    @Override
    public Optional<Service> service(String namespace, String name) {
        return services.stream().filter(s -> Metadata.namespace(s).equals(namespace) && Metadata.name(s).equals(name)).findFirst();
    }
}
