package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.pilot4j.kube.endpoints.ClusterView;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A {@link ClusterView} that remembers what one conversion read from it (each pod, node and Service it looked up,
 * and the instance it got), so that the conversion can be kept while a later view answers every lookup with the same
 * instances: informer caches replace an object's instance on every change, so same instances mean the same input.
 * Checking the reads costs a few index lookups per endpoint; converting again costs building every endpoint.
 *
 * <p>Each read also names what its answer depends on ({@link #dependencies}: a pod by name or by IP, a node, a
 * Service), so that an informer event on one of those finds the conversions it may change.
 */
final class RecordingView implements ClusterView {
    private final ClusterView view;
    private final List<Read> reads = new ArrayList<>();

    /**
     * One lookup, what it returned (null for nothing), and the objects whose change can change its answer (see
     * {@link #podByName}, {@link #podByIp}, {@link #nodeByName}, {@link #serviceByName}).
     */
    record Read(Function<ClusterView, Object> lookup, Object result, List<String> dependencies) {
    }

    /** A pod's name: it answers lookups by targetRef. */
    static String podByName(String namespace, String name) {
        return "pod " + namespace + "/" + name;
    }

    /** A pod's IP: it answers lookups by address. */
    static String podByIp(String ip) {
        return "ip " + ip;
    }

    static String nodeByName(String name) {
        return "node " + name;
    }

    static String serviceByName(String namespace, String name) {
        return "service " + namespace + "/" + name;
    }

    RecordingView(ClusterView view) {
        this.view = view;
    }

    /** The reads so far, to check against a later view. */
    List<Read> reads() {
        return List.copyOf(reads);
    }

    /** What the answers of {@code reads} depend on. */
    static Set<String> dependencies(List<Read> reads) {
        Set<String> out = new HashSet<>();
        for (Read r : reads) {
            out.addAll(r.dependencies);
        }
        return out;
    }

    /** Whether {@code later} answers each of {@code reads} with the same instance (the same value, for a flag). */
    static boolean sameAnswers(List<Read> reads, ClusterView later) {
        for (Read r : reads) {
            Object now = r.lookup.apply(later);
            if (r.result instanceof Boolean ? !r.result.equals(now) : now != r.result) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean knowsPods() {
        boolean knows = view.knowsPods();
        reads.add(new Read(v -> v.knowsPods(), knows, List.of()));
        return knows;
    }

    @Override
    public Optional<Pod> pod(String namespace, String address, ObjectReference targetRef) {
        // Either can answer, whatever the view prefers: a pod named by the targetRef, or one with the address.
        List<String> on = targetRef != null && targetRef.getName() != null
                ? List.of(podByIp(address), podByName(targetRef.getNamespace() == null || targetRef.getNamespace().isEmpty()
                ? namespace : targetRef.getNamespace(), targetRef.getName()))
                : List.of(podByIp(address));
        return record(v -> v.pod(namespace, address, targetRef).orElse(null), on);
    }

    @Override
    public Optional<Node> node(String name) {
        return record(v -> v.node(name).orElse(null), List.of(nodeByName(name)));
    }

    @Override
    public Optional<Service> service(String namespace, String name) {
        return record(v -> v.service(namespace, name).orElse(null), List.of(serviceByName(namespace, name)));
    }

    @SuppressWarnings("unchecked")
    private <T> Optional<T> record(Function<ClusterView, T> lookup, List<String> dependencies) {
        T result = lookup.apply(view);
        reads.add(new Read((Function<ClusterView, Object>) lookup, result, dependencies));
        return Optional.ofNullable(result);
    }

    @Override
    public String toString() {
        return "RecordingView[" + reads.size() + " reads of " + Objects.toString(view) + "]";
    }
}
