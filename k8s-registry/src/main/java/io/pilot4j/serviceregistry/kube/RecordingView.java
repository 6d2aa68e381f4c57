package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.pilot4j.kube.endpoints.ClusterView;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A {@link ClusterView} that remembers what one conversion read from it (each pod, node and Service it looked up,
 * and the instance it got), so that the conversion can be kept while a later view answers every lookup with the same
 * instances: informer caches replace an object's instance on every change, so same instances mean the same input.
 * Checking the reads costs a few index lookups per endpoint; converting again costs building every endpoint.
 */
final class RecordingView implements ClusterView {
    private final ClusterView view;
    private final List<Read> reads = new ArrayList<>();

    /** One lookup and what it returned (null for nothing). */
    record Read(Function<ClusterView, Object> lookup, Object result) {
    }

    RecordingView(ClusterView view) {
        this.view = view;
    }

    /** The reads so far, to check against a later view. */
    List<Read> reads() {
        return List.copyOf(reads);
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
        reads.add(new Read(v -> v.knowsPods(), knows));
        return knows;
    }

    @Override
    public Optional<Pod> pod(String namespace, String address, ObjectReference targetRef) {
        return record(v -> v.pod(namespace, address, targetRef).orElse(null));
    }

    @Override
    public Optional<Node> node(String name) {
        return record(v -> v.node(name).orElse(null));
    }

    @Override
    public Optional<Service> service(String namespace, String name) {
        return record(v -> v.service(namespace, name).orElse(null));
    }

    @SuppressWarnings("unchecked")
    private <T> Optional<T> record(Function<ClusterView, T> lookup) {
        T result = lookup.apply(view);
        reads.add(new Read((Function<ClusterView, Object>) lookup, result));
        return Optional.ofNullable(result);
    }

    @Override
    public String toString() {
        return "RecordingView[" + reads.size() + " reads of " + Objects.toString(view) + "]";
    }
}
