package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.endpoints.ClusterView;
import io.pilot4j.kube.endpoints.EndpointSliceConversion;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry's state from the informer caches (Istio's kube controller, with its service, endpointslice, pod and
 * namespace handlers folded into one): objects in namespaces the mesh's discoverySelectors leave out are ignored,
 * Services get the endpoints of their slices with each pod's labels, service account and locality, and Istio objects
 * become services (ServiceEntry) or rules. Objects that do not convert are reported, not applied.
 *
 * <p>What the state holds under one key is decided in one place ({@link #derive}): {@link #build} derives every key
 * the caches have (the first list, a relist of a kind, new discoverySelectors), {@link #update} only the keys that
 * informer events touch, and hands the result to a {@link RegistryStore}, which derives again only what differs. A
 * slice's conversion reads pods, their nodes and its Service ({@link RecordingView}): an event on one of those
 * derives the conversions that read it again, and a conversion is kept while what it read is the same instances.
 */
final class KubeStateBuilder {
    static final String PROVIDER = "Kubernetes";
    /** Multi-cluster services (MCS) slices mirror another cluster's endpoints; Istio leaves them out. */
    static final String MCS_SERVICE_NAME_LABEL = "multicluster.kubernetes.io/service-name";
    private static final List<ConfigKind> ISTIO_KINDS = ConfigKind.ofGroup(ConfigKind.ISTIO_NETWORKING);

    private final String domainSuffix;
    /** The state, updated by each build with what differs from the previous one. */
    private final RegistryStore store = new RegistryStore(PROVIDER, RegistryStore.BY_KEY);
    private RegistryStore.Delta lastChange = RegistryStore.Delta.NONE;
    // Only touched by the one thread that builds.
    /** Conversion per key the state holds or rejects, with the object it came from and what it read. */
    private final Map<ConfigKey, Memo> memo = new HashMap<>();
    /** The keys whose conversion read each dependency ({@link RecordingView.Read#dependencies()}). */
    private final Map<String, Set<ConfigKey>> dependents = new HashMap<>();
    /** The workload selections of each ServiceEntry the state holds: which pods are read. */
    private final Map<ConfigKey, List<WorkloadSelection>> selections = new HashMap<>();
    /** Rejected objects, in key order, as the snapshot lists them. */
    private final TreeMap<ConfigKey, ConfigError> rejected = new TreeMap<>();
    private List<LabelSelector> discoverySelectors = List.of();

    /** A conversion, the object it came from, and what it read from the cluster. */
    private record Memo(HasMetadata object, Result<Converted> result, List<RecordingView.Read> reads) {
    }

    KubeStateBuilder(String domainSuffix) {
        this.domainSuffix = domainSuffix;
    }

    /** Derives every key the caches hold: what is not among them any more is deleted. */
    RegistryState build(ClusterCache cluster, List<LabelSelector> selectors) {
        discoverySelectors = List.copyOf(selectors);
        Set<ConfigKey> keys = new LinkedHashSet<>();
        for (Service service : cluster.services()) {
            String namespace = Metadata.namespace(service);
            String name = Metadata.name(service);
            keys.add(new ConfigKey(Kind.SERVICE, namespace, name));
            if (cluster.slicesServed()) {
                for (EndpointSlice slice : cluster.slicesOf(namespace, name)) {
                    keys.add(new ConfigKey(Kind.ENDPOINT_SLICE, namespace, Metadata.name(slice)));
                }
            } else {
                keys.add(new ConfigKey(Kind.ENDPOINTS, namespace, name));
            }
        }
        for (ConfigKind kind : ISTIO_KINDS) {
            for (HasMetadata object : cluster.istio(kind)) {
                keys.add(new ConfigKey(kind.kind(), Metadata.namespace(object), Metadata.name(object)));
            }
        }
        Set<ConfigKey> gone = new HashSet<>(memo.keySet());
        gone.removeAll(keys);
        Map<ConfigKey, Result<Converted>> derived = deriveAll(cluster, keys, gone, true);
        return apply(derived);
    }

    /**
     * Derives again the keys that a change to {@code objects} (each event's old and new object) can touch, as the
     * caches now hold them. A namespace event while discoverySelectors are set, or new discoverySelectors, derives
     * everything ({@link #build}).
     */
    RegistryState update(ClusterCache cluster, List<LabelSelector> selectors, Collection<? extends HasMetadata> objects) {
        if (!selectors.equals(discoverySelectors)) {
            return build(cluster, selectors);
        }
        Set<ConfigKey> keys = new LinkedHashSet<>();
        boolean selectionsMayChange = false;
        for (HasMetadata object : objects) {
            String namespace = Metadata.namespace(object);
            String name = Metadata.name(object);
            if (object instanceof Namespace) {
                if (!discoverySelectors.isEmpty()) {
                    return build(cluster, selectors);
                }
            } else if (object instanceof Service) {
                keys.add(new ConfigKey(Kind.SERVICE, namespace, name));
                keys.add(new ConfigKey(Kind.ENDPOINTS, namespace, name));
                // Its slices are the ones that read it: the cache finds them by their label.
                if (cluster.slicesServed()) {
                    for (EndpointSlice slice : cluster.slicesOf(namespace, name)) {
                        keys.add(new ConfigKey(Kind.ENDPOINT_SLICE, namespace, Metadata.name(slice)));
                    }
                }
            } else if (object instanceof EndpointSlice) {
                keys.add(new ConfigKey(Kind.ENDPOINT_SLICE, namespace, name));
            } else if (object instanceof Endpoints) {
                keys.add(new ConfigKey(Kind.ENDPOINTS, namespace, name));
            } else if (object instanceof Pod pod) {
                keys.add(new ConfigKey(Kind.POD, namespace, name));
                addDependents(RecordingView.podByName(namespace, name), keys);
                for (String ip : ips(pod)) {
                    addDependents(RecordingView.podByIp(ip), keys);
                }
            } else if (object instanceof Node) {
                addDependents(RecordingView.nodeByName(name), keys);
            } else {
                Optional<ConfigKind> kind = istioKindOf(object);
                if (kind.isPresent()) {
                    keys.add(new ConfigKey(kind.get().kind(), namespace, name));
                    selectionsMayChange |= kind.get().kind().equals(Kind.SERVICE_ENTRY);
                }
            }
        }
        if (keys.isEmpty() && !selectionsMayChange) {
            lastChange = RegistryStore.Delta.NONE;
            return store.state();
        }
        return apply(deriveAll(cluster, keys, Set.of(), selectionsMayChange));
    }

    /** What the last {@link #build} or {@link #update} changed. */
    RegistryStore.Delta lastChange() {
        return lastChange;
    }

    /**
     * Derives {@code keys} and {@code gone} (keys known to have no object any more), pods last: which pods count
     * depends on the ServiceEntries' selections as derived here. With {@code allPods}, every pod is derived again,
     * for selections that may have changed.
     */
    private Map<ConfigKey, Result<Converted>> deriveAll(ClusterCache cluster, Set<ConfigKey> keys, Set<ConfigKey> gone, boolean allPods) {
        Map<ConfigKey, Result<Converted>> derived = new HashMap<>();
        List<ConfigKey> pods = new ArrayList<>();
        for (ConfigKey key : keys) {
            if (key.kind().equals(Kind.POD)) {
                pods.add(key);
            } else {
                derived.put(key, derive(key, cluster));
            }
        }
        for (ConfigKey key : gone) {
            forget(key);
            derived.put(key, null);
        }
        for (Map.Entry<ConfigKey, Result<Converted>> e : derived.entrySet()) {
            if (e.getKey().kind().equals(Kind.SERVICE_ENTRY)) {
                selections.remove(e.getKey());
                List<WorkloadSelection> s = selectionsOf(e.getValue());
                if (!s.isEmpty()) {
                    selections.put(e.getKey(), s);
                }
            }
        }
        if (allPods) {
            Set<ConfigKey> podKeys = new LinkedHashSet<>(pods);
            if (!selections.isEmpty()) {
                // Without selections no pod counts, and listing them would cost every pod of the cluster.
                for (Pod pod : cluster.pods()) {
                    podKeys.add(new ConfigKey(Kind.POD, Metadata.namespace(pod), Metadata.name(pod)));
                }
            }
            for (ConfigKey key : memo.keySet()) {
                if (key.kind().equals(Kind.POD)) {
                    podKeys.add(key);
                }
            }
            pods = new ArrayList<>(podKeys);
        }
        for (ConfigKey key : pods) {
            derived.put(key, derive(key, cluster));
        }
        return derived;
    }

    /** Hands what was derived to the store: a valid conversion is put, anything else deleted. */
    private RegistryState apply(Map<ConfigKey, Result<Converted>> derived) {
        List<RegistryObject> puts = new ArrayList<>();
        List<ConfigKey> deletes = new ArrayList<>();
        for (Map.Entry<ConfigKey, Result<Converted>> e : derived.entrySet()) {
            ConfigKey key = e.getKey();
            Result<Converted> result = e.getValue();
            rejected.remove(key);
            if (result != null && result.isValid()) {
                HasMetadata object = memo.get(key).object();
                RegistryObject current = store.get(key);
                // A conversion kept is the same instance: the store has it already.
                if (current == null || current.object() != object || current.converted() != result.value()) {
                    puts.add(new RegistryObject(key, PROVIDER, -1, object, result.value()));
                }
            } else {
                if (result != null) {
                    rejected.put(key, result.rejection(PROVIDER, -1, key));
                }
                deletes.add(key);
            }
        }
        lastChange = store.apply(puts, deletes, List.copyOf(rejected.values()));
        return store.state();
    }

    /**
     * What the state holds under {@code key} as the caches are now: the conversion of its object, or null when there
     * is none or it does not count (its namespace is not discovered; a slice without its Service; a pod no
     * ServiceEntry selects). The one place that decides it, for builds and events alike.
     */
    private Result<Converted> derive(ConfigKey key, ClusterCache cluster) {
        Kind kind = key.kind();
        String namespace = key.namespace();
        String name = key.name();
        HasMetadata object = null;
        ConfigKind row = null;
        ClusterView reads = ClusterView.NONE;
        if (!discovered(cluster, namespace)) {
            object = null;
        } else if (kind.equals(Kind.SERVICE)) {
            object = cluster.service(namespace, name).orElse(null);
            row = ConfigKind.SERVICE;
        } else if (kind.equals(Kind.ENDPOINT_SLICE)) {
            object = cluster.slicesServed() ? cluster.slice(namespace, name).filter(s -> servesItsService(s, cluster)).orElse(null) : null;
            row = ConfigKind.ENDPOINT_SLICE;
            reads = cluster;
        } else if (kind.equals(Kind.ENDPOINTS)) {
            object = !cluster.slicesServed() && cluster.service(namespace, name).isPresent() ? cluster.endpointsOf(namespace, name).orElse(null) : null;
            row = ConfigKind.ENDPOINTS;
            reads = cluster;
        } else if (kind.equals(Kind.POD)) {
            // Its locality comes from its node, so it is converted again when the node is another instance.
            object = cluster.podNamed(namespace, name).filter(p -> isRunning(p) && selected(p)).orElse(null);
            row = ConfigKind.POD;
            reads = cluster;
        } else {
            row = ConfigKind.lookup(kind).orElse(null);
            object = row == null ? null : cluster.istio(row, namespace, name).orElse(null);
        }
        if (object == null) {
            forget(key);
            return null;
        }
        return converted(key, object, row, reads);
    }

    /** A slice counts for its Service, when the Service exists; multi-cluster slices do not. */
    private static boolean servesItsService(EndpointSlice slice, ClusterCache cluster) {
        Map<String, String> labels = Metadata.labels(slice);
        String service = labels.get(EndpointSliceConversion.SERVICE_NAME_LABEL);
        return service != null && !labels.containsKey(MCS_SERVICE_NAME_LABEL) && cluster.service(Metadata.namespace(slice), service).isPresent();
    }

    /**
     * Pods are workloads for the ServiceEntries whose workloadSelector selects them (Istio's kube controller hands its
     * pods to the serviceentry controller). Only selected pods are read, so pod churn changes the state only where a
     * selector looks.
     */
    private boolean selected(Pod pod) {
        String namespace = Metadata.namespace(pod);
        Map<String, String> labels = Metadata.labels(pod);
        for (List<WorkloadSelection> of : selections.values()) {
            for (WorkloadSelection s : of) {
                if (s.selects(namespace, labels)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<WorkloadSelection> selectionsOf(Result<Converted> result) {
        if (result == null || !result.isValid() || !(result.value() instanceof Converted.Services services)) {
            return List.of();
        }
        return services.services().stream().flatMap(s -> s.selection().stream()).toList();
    }

    /** An IP, not finished, not being deleted: a pod that can take traffic once ready. */
    private static boolean isRunning(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getPodIP() != null && !pod.getStatus().getPodIP().isEmpty()
                && pod.getMetadata().getDeletionTimestamp() == null
                && !"Succeeded".equals(pod.getStatus().getPhase()) && !"Failed".equals(pod.getStatus().getPhase());
    }

    private static Set<String> ips(Pod pod) {
        Set<String> ips = new HashSet<>();
        if (pod.getStatus() != null) {
            if (pod.getStatus().getPodIP() != null) {
                ips.add(pod.getStatus().getPodIP());
            }
            for (PodIP ip : pod.getStatus().getPodIPs() == null ? List.<PodIP>of() : pod.getStatus().getPodIPs()) {
                if (ip.getIp() != null) {
                    ips.add(ip.getIp());
                }
            }
        }
        return ips;
    }

    /** Istio's discoverySelectors: no selectors, every namespace; otherwise namespaces whose labels match one. */
    private boolean discovered(ClusterCache cluster, String namespace) {
        if (discoverySelectors.isEmpty()) {
            return true;
        }
        return cluster.namespace(namespace).map(ns -> LabelSelector.anyMatches(discoverySelectors, Metadata.labels(ns))).orElse(false);
    }

    private static Optional<ConfigKind> istioKindOf(HasMetadata object) {
        for (ConfigKind kind : ISTIO_KINDS) {
            for (ConfigKind.Version<?> version : kind.versions()) {
                if (version.type().isInstance(object)) {
                    return Optional.of(kind);
                }
            }
        }
        return Optional.empty();
    }

    private void addDependents(String dependency, Set<ConfigKey> keys) {
        keys.addAll(dependents.getOrDefault(dependency, Set.of()));
    }

    /**
     * An object's conversion, kept while the object and everything the conversion read from {@code view} are the
     * same instances (a slice reads its pods, their nodes and its Service; a pod its node; the rest read nothing),
     * converted again otherwise.
     */
    private Result<Converted> converted(ConfigKey key, HasMetadata object, ConfigKind kind, ClusterView view) {
        Memo previous = memo.get(key);
        if (previous != null && previous.object() == object && RecordingView.sameAnswers(previous.reads(), view)) {
            return previous.result();
        }
        RecordingView recording = new RecordingView(view);
        Result<Converted> result = kind.convert(object, new ConfigKind.Context(domainSuffix, recording));
        forget(key);
        Memo next = new Memo(object, result, recording.reads());
        memo.put(key, next);
        for (String dependency : RecordingView.dependencies(next.reads())) {
            dependents.computeIfAbsent(dependency, d -> new HashSet<>()).add(key);
        }
        return result;
    }

    private void forget(ConfigKey key) {
        Memo old = memo.remove(key);
        if (old == null) {
            return;
        }
        for (String dependency : RecordingView.dependencies(old.reads())) {
            Set<ConfigKey> of = dependents.get(dependency);
            if (of != null && of.remove(key) && of.isEmpty()) {
                dependents.remove(dependency);
            }
        }
    }

    /** For tests: the dependencies indexed, to check that none outlives the conversions that read it. */
    int dependencyCount() {
        return dependents.size();
    }

    @Override
    public String toString() {
        return "KubeStateBuilder[" + memo.size() + " conversions, " + Objects.requireNonNull(lastChange) + "]";
    }
}
