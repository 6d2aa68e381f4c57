package io.pilot4j.serviceregistry;

import io.pilot4j.kube.ServiceWithEndpoints;
import io.pilot4j.kube.serviceentry.WorkloadInstance;
import io.pilot4j.kube.serviceentry.WorkloadSelection;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.Kind;
import io.pilot4j.model.PersistentMap;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.networking.TrafficRule;
import io.pilot4j.model.networking.TrafficRules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A registry's objects, applied one change at a time (Istio's registries, whose handlers update their state per
 * event): a put or delete updates the indexes of what the object contributes, and only the hostnames and rule kinds
 * it touches are derived again. The same objects give the same state whatever order they arrived in: the first
 * declaration of a hostname in precedence order wins and later ones are reported; a Kubernetes Service gets its endpoints from its
 * EndpointSlices (in name order, an address and port two slices hold counted once, as Istio's endpointSliceCache
 * does), or from its Endpoints object when it has no slice; a ServiceEntry with a workloadSelector gets those of the
 * workloads it selects; others bring their own.
 *
 * <p>Not thread-safe: one registry thread applies changes, and publishes {@link #state()}, which is immutable.
 */
public final class RegistryStore {
    private final String provider;
    /** The objects in effect, in precedence (key) order. */
    private final TreeMap<ConfigKey, RegistryObject> objects = new TreeMap<>();
    /** Which declaration of a hostname wins: the first by this order. */
    private final Comparator<RegistryObject> precedence;
    /** Per hostname, the objects declaring it, in precedence order: the first wins. */
    private final Map<String, TreeSet<RegistryObject>> declarers = new HashMap<>();
    private final Map<String, TreeMap<ConfigKey, RegistryObject>> slices = new HashMap<>();
    private final Map<String, RegistryObject> endpointsObjects = new HashMap<>();
    /** Per namespace, its workloads (WorkloadEntries, selected pods) in key order. */
    private final Map<String, TreeMap<ConfigKey, WorkloadInstance>> workloads = new HashMap<>();
    /** Per namespace, the hostnames whose winning declaration selects workloads there. */
    private final Map<String, Set<String>> selectingHosts = new HashMap<>();
    private final Map<Kind, TreeMap<ConfigKey, TrafficRule>> rules = new TreeMap<>();

    // What the objects derive to; replaced entry by entry.
    private final TreeMap<String, Service> services = new TreeMap<>();
    private final Map<String, List<Endpoint>> endpoints = new HashMap<>();
    private final Map<String, WorkloadSelection> selections = new HashMap<>();
    private final Map<String, List<ConfigError>> hostConflicts = new TreeMap<>();

    private List<ConfigError> errors = List.of();
    /** The objects as of the last change, shared with the states published. */
    private PersistentMap<ConfigKey, RegistryObject> published = PersistentMap.empty();
    private RegistryState state;

    /** Declarations of a hostname by key: a Kubernetes Service wins over a ServiceEntry, then by namespace and name. */
    public static final Comparator<RegistryObject> BY_KEY = Comparator.comparing(RegistryObject::key);

    /**
     * @param precedence which declaration of a hostname wins, the first; consistent with keys (objects with equal keys
     *                   compare equal, others never do)
     */
    public RegistryStore(String provider, Comparator<RegistryObject> precedence) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.precedence = Objects.requireNonNull(precedence, "precedence");
        this.state = RegistryState.empty(provider);
    }

    /** The state as of the last change; immutable. */
    public RegistryState state() {
        return state;
    }

    /** The object in effect under {@code key}, or null. */
    public RegistryObject get(ConfigKey key) {
        return objects.get(key);
    }

    /**
     * Applies puts (an object replaces the one under its key) and deletes (keys that need not be present), then
     * derives what they touched again.
     *
     * @param errors the objects the registry rejected, and its own conflicts (an object defined twice), as of this
     *               change: kept in the snapshot before the hostname conflicts found here
     */
    public Delta apply(Collection<RegistryObject> puts, Collection<ConfigKey> deletes, List<ConfigError> errors) {
        Touched touched = new Touched();
        Set<ConfigKey> changedKeys = new TreeSet<>();
        for (ConfigKey key : deletes) {
            RegistryObject old = objects.remove(key);
            if (old != null) {
                touched.objects.put(key, null);
                unindex(old, touched);
                if (contribution(old) != null) {
                    changedKeys.add(key);
                }
            }
        }
        for (RegistryObject object : puts) {
            RegistryObject old = objects.put(object.key(), object);
            touched.objects.put(object.key(), object);
            if (old != null) {
                unindex(old, touched);
            }
            index(object, touched);
            if (!Objects.equals(contribution(old), contribution(object))) {
                changedKeys.add(object.key());
            }
        }
        return derive(touched, changedKeys, List.copyOf(errors));
    }

    /**
     * Makes {@code objects} (unique by key) the whole content: what is missing is deleted, what is new or another
     * instance is put. For a registry that reads its source whole (a relist); equal contributions change nothing.
     */
    public Delta replaceAll(Collection<RegistryObject> all, List<ConfigError> errors) {
        Map<ConfigKey, RegistryObject> byKey = new HashMap<>();
        List<RegistryObject> puts = new ArrayList<>();
        for (RegistryObject o : all) {
            if (byKey.put(o.key(), o) != null) {
                throw new IllegalArgumentException("objects must be unique by key: " + o.key());
            }
            RegistryObject current = objects.get(o.key());
            if (current == null || !sameObject(current, o)) {
                puts.add(o);
            }
        }
        List<ConfigKey> deletes = new ArrayList<>();
        for (ConfigKey key : objects.keySet()) {
            if (!byKey.containsKey(key)) {
                deletes.add(key);
            }
        }
        return apply(puts, deletes, errors);
    }

    private static boolean sameObject(RegistryObject a, RegistryObject b) {
        return a.object() == b.object() && a.converted().equals(b.converted()) && a.source().equals(b.source())
                && a.documentIndex() == b.documentIndex();
    }

    /** What an object adds to the model; a slice without endpoints (yet) adds as little as no slice at all. */
    private static Converted contribution(RegistryObject object) {
        if (object == null || object.converted() instanceof Converted.Endpoints e && e.endpoints().endpoints().isEmpty()) {
            return null;
        }
        return object.converted();
    }

    private void index(RegistryObject o, Touched t) {
        ConfigKey key = o.key();
        if (o.converted() instanceof Converted.Services s) {
            for (ServiceWithEndpoints swe : s.services()) {
                String host = swe.service().hostname();
                declarers.computeIfAbsent(host, h -> new TreeSet<>(precedence)).add(o);
                t.hosts.add(host);
            }
        } else if (o.converted() instanceof Converted.Endpoints e) {
            String host = e.endpoints().hostname();
            if (key.kind() == Kind.ENDPOINT_SLICE) {
                slices.computeIfAbsent(host, h -> new TreeMap<>()).put(key, o);
            } else {
                endpointsObjects.put(host, o);
            }
            t.hosts.add(host);
        } else if (o.converted() instanceof Converted.Workload w) {
            workloads.computeIfAbsent(w.namespace(), n -> new TreeMap<>()).put(key, w.workload());
            t.namespaces.add(w.namespace());
        } else if (o.converted() instanceof Converted.Rule r) {
            rules.computeIfAbsent(key.kind(), k -> new TreeMap<>()).put(key, r.rule());
            t.kinds.add(key.kind());
        }
    }

    private void unindex(RegistryObject o, Touched t) {
        ConfigKey key = o.key();
        if (o.converted() instanceof Converted.Services s) {
            for (ServiceWithEndpoints swe : s.services()) {
                String host = swe.service().hostname();
                TreeSet<RegistryObject> declaring = declarers.get(host);
                if (declaring != null && declaring.remove(o) && declaring.isEmpty()) {
                    declarers.remove(host);
                }
                t.hosts.add(host);
            }
        } else if (o.converted() instanceof Converted.Endpoints e) {
            String host = e.endpoints().hostname();
            if (key.kind() == Kind.ENDPOINT_SLICE) {
                removeFrom(slices, host, key);
            } else {
                endpointsObjects.remove(host, o);
            }
            t.hosts.add(host);
        } else if (o.converted() instanceof Converted.Workload w) {
            removeFrom(workloads, w.namespace(), key);
            t.namespaces.add(w.namespace());
        } else if (o.converted() instanceof Converted.Rule) {
            removeFrom(rules, key.kind(), key);
            t.kinds.add(key.kind());
        }
    }

    private static <K, V> void removeFrom(Map<K, TreeMap<ConfigKey, V>> index, K at, ConfigKey key) {
        TreeMap<ConfigKey, V> m = index.get(at);
        if (m != null) {
            m.remove(key);
            if (m.isEmpty()) {
                index.remove(at);
            }
        }
    }

    private Delta derive(Touched t, Set<ConfigKey> changedKeys, List<ConfigError> newErrors) {
        for (String namespace : t.namespaces) {
            t.hosts.addAll(selectingHosts.getOrDefault(namespace, Set.of()));
        }
        Set<String> servicesChanged = new TreeSet<>();
        Set<String> endpointsChanged = new TreeSet<>();
        boolean headless = false;
        boolean conflictsChanged = false;
        for (String host : t.hosts) {
            Service before = services.get(host);
            List<Endpoint> endpointsBefore = endpoints.get(host);
            conflictsChanged |= deriveHost(host);
            Service after = services.get(host);
            if (!Objects.equals(before, after)) {
                servicesChanged.add(host);
            } else if (!Objects.equals(endpointsBefore, endpoints.get(host))) {
                endpointsChanged.add(host);
                headless |= after != null && after.resolution() == Resolution.PASSTHROUGH;
            }
        }
        Set<Kind> kindsChanged = new TreeSet<>();
        TrafficRules rulesNow = state.snapshot().rules();
        if (!t.kinds.isEmpty()) {
            List<TrafficRule> all = new ArrayList<>();
            rules.values().forEach(m -> all.addAll(m.values()));
            TrafficRules next = TrafficRules.of(all);
            for (Kind kind : t.kinds) {
                if (!rulesNow.ofKind(kind).equals(next.ofKind(kind))) {
                    kindsChanged.add(kind);
                }
            }
            if (!kindsChanged.isEmpty()) {
                rulesNow = next;
            }
        }
        boolean errorsChanged = conflictsChanged || !newErrors.equals(errors);
        errors = newErrors;
        Set<String> endpointHosts = new TreeSet<>(servicesChanged);
        endpointHosts.addAll(endpointsChanged);
        publish(servicesChanged.isEmpty(), endpointHosts, rulesNow, errorsChanged, t.objects);
        return new Delta(changedKeys, servicesChanged, endpointsChanged, kindsChanged, headless, errorsChanged);
    }

    /** Derives one hostname's service and endpoints again; true when its conflicts changed. */
    private boolean deriveHost(String host) {
        TreeSet<RegistryObject> declaring = declarers.get(host);
        WorkloadSelection oldSelection = selections.remove(host);
        if (oldSelection != null) {
            Set<String> hosts = selectingHosts.get(oldSelection.namespace());
            hosts.remove(host);
            if (hosts.isEmpty()) {
                selectingHosts.remove(oldSelection.namespace());
            }
        }
        List<ConfigError> conflicts = new ArrayList<>();
        if (declaring == null) {
            services.remove(host);
            endpoints.remove(host);
        } else {
            RegistryObject first = declaring.first();
            ServiceWithEndpoints declared = declarationOf(first, host);
            Service service = declared.service();
            services.put(host, service);
            boolean podBacked = first.key().kind() == Kind.SERVICE && !service.meshExternal();
            WorkloadSelection selection = declared.selection().orElse(null);
            List<Endpoint> eps;
            if (podBacked) {
                eps = podEndpoints(slices.get(host), endpointsObjects.get(host));
            } else if (selection != null) {
                selections.put(host, selection);
                selectingHosts.computeIfAbsent(selection.namespace(), n -> new HashSet<>()).add(host);
                TreeMap<ConfigKey, WorkloadInstance> ofNamespace = workloads.get(selection.namespace());
                List<Map.Entry<String, WorkloadInstance>> candidates = new ArrayList<>();
                if (ofNamespace != null) {
                    ofNamespace.values().forEach(w -> candidates.add(Map.entry(selection.namespace(), w)));
                }
                eps = List.copyOf(selection.endpoints(candidates));
            } else {
                eps = declared.endpoints();
            }
            List<Endpoint> previous = endpoints.get(host);
            // Unchanged endpoints keep their instance, so that snapshots compare them by identity.
            endpoints.put(host, eps.equals(previous) ? previous : eps);
            for (RegistryObject other : declaring) {
                if (other != first) {
                    conflicts.add(conflict(other, "host " + host + " is already declared by " + first.key() + " in "
                            + first.location() + "; this declaration is ignored"));
                }
            }
        }
        List<ConfigError> old = conflicts.isEmpty() ? hostConflicts.remove(host) : hostConflicts.put(host, List.copyOf(conflicts));
        return !Objects.equals(old == null ? List.of() : old, conflicts);
    }

    private static ServiceWithEndpoints declarationOf(RegistryObject object, String host) {
        for (ServiceWithEndpoints s : ((Converted.Services) object.converted()).services()) {
            if (s.service().hostname().equals(host)) {
                return s;
            }
        }
        throw new IllegalStateException(object.key() + " is indexed as declaring " + host + " but does not");
    }

    private static List<Endpoint> podEndpoints(TreeMap<ConfigKey, RegistryObject> slicesOfHost, RegistryObject endpointsObject) {
        if (slicesOfHost != null) {
            Map<String, Endpoint> unique = new LinkedHashMap<>();
            for (RegistryObject slice : slicesOfHost.values()) {
                for (Endpoint e : endpointsOf(slice)) {
                    unique.putIfAbsent(e.address() + "|" + e.servicePortName(), e);
                }
            }
            return List.copyOf(unique.values());
        }
        return endpointsObject == null ? List.of() : endpointsOf(endpointsObject);
    }

    private static List<Endpoint> endpointsOf(RegistryObject object) {
        return ((Converted.Endpoints) object.converted()).endpoints().endpoints();
    }

    private static ConfigError conflict(RegistryObject ignored, String message) {
        ConfigKey key = ignored.key();
        return new ConfigError(ignored.source(), ignored.documentIndex(), key.kind().kubeKind(), key.namespace(), key.name(), message);
    }

    /** A new immutable state; what did not change is handed over from the previous one. */
    private void publish(boolean sameServices, Set<String> endpointHosts, TrafficRules rulesNow, boolean errorsChanged,
                         Map<ConfigKey, RegistryObject> objectChanges) {
        RegistrySnapshot previous = state.snapshot();
        List<ConfigError> conflicts = errorsChanged ? flatten(hostConflicts.values()) : state.conflicts();
        List<ConfigError> allErrors = previous.errors();
        if (errorsChanged) {
            List<ConfigError> out = new ArrayList<>(errors);
            out.addAll(conflicts);
            allErrors = out;
        }
        RegistrySnapshot snapshot = new RegistrySnapshot(provider,
                sameServices ? previous.services() : List.copyOf(services.values()),
                endpointsWith(PersistentMap.of(previous.endpoints()), endpointHosts),
                allErrors, rulesNow);
        published = published.with(objectChanges);
        state = new RegistryState(snapshot, published, conflicts);
    }

    /** The previous endpoints with those of {@code hosts} as derived now: costs the hostnames, not the registry. */
    private PersistentMap<String, List<Endpoint>> endpointsWith(PersistentMap<String, List<Endpoint>> previous, Set<String> hosts) {
        Map<String, List<Endpoint>> changes = new HashMap<>();
        for (String host : hosts) {
            changes.put(host, endpoints.get(host));
        }
        return previous.with(changes);
    }

    private static List<ConfigError> flatten(Collection<List<ConfigError>> lists) {
        List<ConfigError> out = new ArrayList<>();
        lists.forEach(out::addAll);
        return List.copyOf(out);
    }

    /** Hostnames, namespaces and rule kinds a change touched: what is derived again. */
    private static final class Touched {
        final Set<String> hosts = new TreeSet<>();
        final Set<String> namespaces = new HashSet<>();
        final Set<Kind> kinds = new HashSet<>();
        /** Objects put (the object) or deleted (null), for the published map. */
        final Map<ConfigKey, RegistryObject> objects = new HashMap<>();
    }

    /**
     * What one change changed.
     *
     * @param keys          objects added, removed or changed in what they contribute (a rewrite, relist or status
     *                      update with the same content is none)
     * @param services      hostnames whose service was added, removed or changed
     * @param endpoints     hostnames whose endpoints alone changed
     * @param rules         kinds of traffic rule whose list changed
     * @param headless      some endpoints changed of a headless service, whose listeners read them
     * @param errorsChanged what the registry rejects, or the conflicts it reports, changed
     */
    public record Delta(Set<ConfigKey> keys, Set<String> services, Set<String> endpoints, Set<Kind> rules, boolean headless,
                        boolean errorsChanged) {
        public static final Delta NONE = new Delta(Set.of(), Set.of(), Set.of(), Set.of(), false, false);

        public Delta {
            keys = Set.copyOf(keys);
            services = Set.copyOf(services);
            endpoints = Set.copyOf(endpoints);
            rules = Set.copyOf(rules);
        }
    }
}
