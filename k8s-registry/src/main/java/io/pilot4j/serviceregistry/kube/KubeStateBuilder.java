package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.endpoints.ClusterView;
import io.pilot4j.kube.serviceentry.WorkloadSelection;
import io.pilot4j.mesh.LabelSelector;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Kind;
import io.pilot4j.serviceregistry.ConfigKind;
import io.pilot4j.serviceregistry.Converted;
import io.pilot4j.serviceregistry.RegistryObject;
import io.pilot4j.serviceregistry.RegistryState;
import io.pilot4j.serviceregistry.RegistryStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the registry's state from the informer caches (Istio's kube controller, with its service, endpointslice,
 * pod and namespace handlers folded into one pass): objects in namespaces the mesh's discoverySelectors leave out
 * are ignored, Services get the endpoints of their slices with each pod's labels, service account and locality, and
 * Istio objects become services (ServiceEntry) or rules. Objects that do not convert are reported, not applied.
 *
 * <p>Reads every cache each time, and hands the objects to a {@link RegistryStore}, which derives again only what
 * differs from the previous build. Conversions of objects that did not change (same instance in the cache) are
 * reused; so are those of slices and selected pods, which read pods, nodes and Services, while what they read is the
 * same instances too ({@link RecordingView}).
 */
final class KubeStateBuilder {
    static final String PROVIDER = "Kubernetes";
    /** Multi-cluster services (MCS) slices mirror another cluster's endpoints; Istio leaves them out. */
    static final String MCS_SERVICE_NAME_LABEL = "multicluster.kubernetes.io/service-name";

    private final String domainSuffix;
    /** The state, updated by each build with what differs from the previous one. */
    private final RegistryStore store = new RegistryStore(PROVIDER, RegistryStore.BY_KEY);
    private RegistryStore.Delta lastChange = RegistryStore.Delta.NONE;
    /** Last conversion per key, with the object it came from; only touched by the one rebuilding thread. */
    private Map<ConfigKey, Memo> memo = new HashMap<>();

    /** A conversion, the object it came from, and what it read from the cluster. */
    private record Memo(HasMetadata object, Result<Converted> result, List<RecordingView.Read> reads) {
    }

    KubeStateBuilder(String domainSuffix) {
        this.domainSuffix = domainSuffix;
    }

    RegistryState build(ClusterCache cluster, List<LabelSelector> discoverySelectors) {
        Map<ConfigKey, Memo> nextMemo = new HashMap<>();
        List<RegistryObject> objects = new ArrayList<>();
        List<ConfigError> errors = new ArrayList<>();
        Sink sink = new Sink(objects, errors);

        for (Service service : cluster.services()) {
            String namespace = Metadata.namespace(service);
            if (!discovered(cluster, discoverySelectors, namespace)) {
                continue;
            }
            ConfigKey serviceKey = new ConfigKey(Kind.SERVICE, namespace, Metadata.name(service));
            sink.add(serviceKey, service, converted(serviceKey, service, ConfigKind.SERVICE, ClusterView.NONE, nextMemo));
            String name = Metadata.name(service);
            if (cluster.slicesServed()) {
                for (EndpointSlice slice : cluster.slicesOf(namespace, name)) {
                    if (Metadata.labels(slice).containsKey(MCS_SERVICE_NAME_LABEL)) {
                        continue;
                    }
                    ConfigKey key = new ConfigKey(Kind.ENDPOINT_SLICE, namespace, Metadata.name(slice));
                    sink.add(key, slice, converted(key, slice, ConfigKind.ENDPOINT_SLICE, cluster, nextMemo));
                }
            } else {
                cluster.endpointsOf(namespace, name).ifPresent(e -> {
                    ConfigKey key = new ConfigKey(Kind.ENDPOINTS, namespace, name);
                    sink.add(key, e, converted(key, e, ConfigKind.ENDPOINTS, cluster, nextMemo));
                });
            }
        }

        for (ConfigKind kind : ConfigKind.ofGroup(ConfigKind.ISTIO_NETWORKING)) {
            for (HasMetadata object : cluster.istio(kind)) {
                String namespace = Metadata.namespace(object);
                if (!discovered(cluster, discoverySelectors, namespace)) {
                    continue;
                }
                ConfigKey key = new ConfigKey(kind.kind(), namespace, Metadata.name(object));
                sink.add(key, object, converted(key, object, kind, ClusterView.NONE, nextMemo));
            }
        }
        addSelectedPods(cluster, discoverySelectors, objects, sink, nextMemo);
        memo = nextMemo;
        // Key order is precedence: a Kubernetes Service wins a hostname over a ServiceEntry, then by namespace and name.
        lastChange = store.replaceAll(objects, errors);
        return store.state();
    }

    /** What the last {@link #build} changed. */
    RegistryStore.Delta lastChange() {
        return lastChange;
    }

    /**
     * Pods are workloads for the ServiceEntries whose workloadSelector selects them (Istio's kube controller hands its
     * pods to the serviceentry controller). Only selected pods that have an IP and are not finished are read, so pod
     * churn changes the state only where a selector looks.
     */
    private void addSelectedPods(ClusterCache cluster, List<LabelSelector> discoverySelectors, List<RegistryObject> objects, Sink sink,
                                 Map<ConfigKey, Memo> nextMemo) {
        List<WorkloadSelection> selections = objects.stream()
                .filter(o -> o.converted() instanceof Converted.Services)
                .flatMap(o -> ((Converted.Services) o.converted()).services().stream())
                .flatMap(s -> s.selection().stream())
                .toList();
        if (selections.isEmpty()) {
            return;
        }
        for (Pod pod : cluster.pods()) {
            String namespace = Metadata.namespace(pod);
            Map<String, String> labels = Metadata.labels(pod);
            if (!isRunning(pod) || selections.stream().noneMatch(s -> s.selects(namespace, labels))
                    || !discovered(cluster, discoverySelectors, namespace)) {
                continue;
            }
            // Its locality comes from its node, so it is converted again when the node is another instance.
            ConfigKey key = new ConfigKey(Kind.POD, namespace, Metadata.name(pod));
            sink.add(key, pod, converted(key, pod, ConfigKind.POD, cluster, nextMemo));
        }
    }

    /** An IP, not finished, not being deleted: a pod that can take traffic once ready. */
    private static boolean isRunning(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getPodIP() != null && !pod.getStatus().getPodIP().isEmpty()
                && pod.getMetadata().getDeletionTimestamp() == null
                && !"Succeeded".equals(pod.getStatus().getPhase()) && !"Failed".equals(pod.getStatus().getPhase());
    }

    /** Istio's discoverySelectors: no selectors, every namespace; otherwise namespaces whose labels match one. */
    private static boolean discovered(ClusterCache cluster, List<LabelSelector> selectors, String namespace) {
        if (selectors.isEmpty()) {
            return true;
        }
        return cluster.namespace(namespace).map(ns -> LabelSelector.anyMatches(selectors, Metadata.labels(ns))).orElse(false);
    }

    /**
     * An object's conversion, kept while the object and everything the conversion read from {@code view} are the
     * same instances (a slice reads its pods, their nodes and its Service; a pod its node; the rest read nothing),
     * converted again otherwise.
     */
    private Result<Converted> converted(ConfigKey key, HasMetadata object, ConfigKind kind, ClusterView view, Map<ConfigKey, Memo> next) {
        Memo previous = memo.get(key);
        if (previous != null && previous.object() == object && RecordingView.sameAnswers(previous.reads(), view)) {
            next.put(key, previous);
            return previous.result();
        }
        RecordingView recording = new RecordingView(view);
        Result<Converted> result = kind.convert(object, new ConfigKind.Context(domainSuffix, recording));
        next.put(key, new Memo(object, result, recording.reads()));
        return result;
    }

    /** Collects converted objects and the errors of those that did not convert. */
    private record Sink(List<RegistryObject> objects, List<ConfigError> errors) {
        void add(ConfigKey key, HasMetadata object, Result<Converted> result) {
            if (result.isValid()) {
                objects.add(new RegistryObject(key, PROVIDER, -1, object, result.value()));
            } else {
                errors.add(result.rejection(PROVIDER, -1, key));
            }
        }
    }
}
