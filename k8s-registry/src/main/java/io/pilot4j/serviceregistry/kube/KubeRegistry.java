package io.pilot4j.serviceregistry.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pilot4j.kube.networking.RingHash;
import io.pilot4j.mesh.LabelSelector;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.ServiceRegistry;
import io.pilot4j.model.XdsUpdater;
import io.pilot4j.serviceregistry.ConfigChanges;
import io.pilot4j.serviceregistry.ConfigKind;
import io.pilot4j.serviceregistry.ConfigStore;
import io.pilot4j.serviceregistry.RegistryState;
import io.pilot4j.serviceregistry.StoredConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The Kubernetes registry (Istio's kube controller): Services, EndpointSlices (or Endpoints), Pods, Nodes and
 * Namespaces through fabric8 shared informers, plus Istio's ServiceEntry, VirtualService, DestinationRule, Sidecar
 * and Gateway where their CRDs are installed, turned into the same model the file registry feeds.
 *
 * <p>Life cycle: {@link #start()} returns at once; a background thread reaches the API server (retrying with
 * backoff while it cannot, saying why), starts every informer together, and {@link #synced()} completes when they
 * have all listed. After that the caches survive API server outages: the last known state keeps being served,
 * fabric8 reconnects (relisting after a 410 Gone without emptying the caches), and only real differences are pushed.
 * A watch that stays closed is asked about and reported with the server's reason ({@link WatchHealth}): an outage,
 * a watch RBAC refuses, an Istio CRD deleted (its kind is then dropped until the CRD is back).
 *
 * <p>Threading: informer callbacks only queue the objects of their event; one thread takes every queued event at
 * once, derives again what they touch ({@link KubeStateBuilder#update}) and raises the push, so there is never more
 * than one update at a time and a burst of events costs one or two. The first list, and a kind dropped with its CRD,
 * derive everything.
 */
public final class KubeRegistry implements ServiceRegistry, ConfigStore, AutoCloseable {
    public static final String PROVIDER = KubeStateBuilder.PROVIDER;
    /**
     * Every resource the registry may read, as RBAC names them ({@code resource.group}, no group for the core API):
     * what deploy/20-rbac.yaml grants get, list and watch on, no more. Endpoints only on clusters without slices.
     */
    public static final List<String> RESOURCES_READ = Stream.concat(
            Stream.of("namespaces", "services", "endpoints", "pods", "nodes", "endpointslices.discovery.k8s.io"),
            ConfigKind.ofGroup(ConfigKind.ISTIO_NETWORKING).stream().map(ConfigKind::resource)).toList();
    /** The Istio kinds read, each from the newest version its CRD serves, so an object is never seen twice. */
    private static final List<ConfigKind> ISTIO_KINDS = ConfigKind.ofGroup(ConfigKind.ISTIO_NETWORKING);
    /** The "kube" logging scope (--log_output_level kube:debug). */
    private static final Logger LOG = LoggerFactory.getLogger("kube");

    private final KubeOptions options;
    private final Supplier<List<LabelSelector>> discoverySelectors;
    private final XdsUpdater updater;
    private final Clock clock;
    private final KubernetesClient client;
    private final String apiServer;
    private final KubeStateBuilder builder;
    private final ScheduledExecutorService worker;
    private final AtomicBoolean rebuildQueued = new AtomicBoolean();
    /** Old and new objects of the informer events not applied yet. */
    private final Queue<HasMetadata> events = new ConcurrentLinkedQueue<>();
    /** Set when the next update must derive everything from the caches, not only what events touched. */
    private final AtomicBoolean deriveAll = new AtomicBoolean(true);
    private final CompletableFuture<Void> synced = new CompletableFuture<>();
    private final Instant created;
    private final WatchHealth health;

    // Written on the worker thread only; volatile for readers elsewhere.
    private volatile RegistryState state = RegistryState.empty(PROVIDER);
    private volatile InformerCache cache;
    private volatile String connectStatus;
    private volatile boolean closed;
    private List<ConfigError> reportedErrors = List.of();
    private long retryMillis;

    /**
     * @param discoverySelectors the mesh config's current discoverySelectors, read at every rebuild
     * @param updater            told about every change after the initial sync
     * @throws IllegalArgumentException when the kubeconfig cannot be read
     */
    public KubeRegistry(KubeOptions options, Supplier<List<LabelSelector>> discoverySelectors, XdsUpdater updater, Clock clock) {
        this.options = Objects.requireNonNull(options, "options");
        this.discoverySelectors = Objects.requireNonNull(discoverySelectors, "discoverySelectors");
        this.updater = Objects.requireNonNull(updater, "updater");
        this.clock = clock;
        this.created = clock.instant();
        Config config;
        try {
            config = options.source().clientConfig();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(options.source() + ": cannot read the cluster configuration: " + rootMessage(e), e);
        }
        int retry = (int) options.retryInterval().toMillis();
        // Informers reconnect with this backoff; a failed request is left to them rather than retried inside fabric8,
        // so that an unreachable API server is reported at once.
        config.setWatchReconnectInterval(retry);
        config.setRequestRetryBackoffInterval(retry);
        config.setRequestRetryBackoffLimit(0);
        ObjectMapper mapper = new ObjectMapper().registerModule(RingHash.module());
        this.client = new KubernetesClientBuilder().withConfig(config)
                .withKubernetesSerialization(new KubernetesSerialization(mapper, true)).build();
        this.apiServer = String.valueOf(client.getMasterUrl());
        this.connectStatus = "connecting to the API server at " + apiServer;
        this.builder = new KubeStateBuilder(options.domainSuffix());
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kube-registry");
            t.setDaemon(true);
            return t;
        });
        this.retryMillis = retry;
        this.health = new WatchHealth(new WatchProbe(client), worker, clock, LOG, apiServer, options.maxRetryInterval(),
                () -> state.snapshot().services().size(), this::crdGone);
    }

    /** Starts connecting in the background; see {@link #synced()}. */
    public void start() {
        LOG.info("Kubernetes registry: API server {} (from {})", apiServer, options.source());
        worker.execute(this::connect);
    }

    /** Completes once every informer has listed and the first state is built; never fails, it keeps retrying. */
    public CompletionStage<Void> synced() {
        return synced;
    }

    /** The mesh config changed: discoverySelectors may select other namespaces now. */
    public void meshChanged() {
        changed();
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public RegistrySnapshot snapshot() {
        return state.snapshot();
    }

    @Override
    public boolean hasSynced() {
        return synced.isDone();
    }

    @Override
    public String syncStatus() {
        if (synced.isDone()) {
            return "";
        }
        InformerCache c = cache;
        if (c == null) {
            return connectStatus;
        }
        List<String> waiting = new ArrayList<>();
        for (ResourceWatch<?> w : c.all()) {
            if (!w.hasSynced()) {
                waiting.add(w.error().isEmpty() ? w.resource() : w.error());
            }
        }
        return waiting.isEmpty() ? "building the first state" : "waiting for " + String.join("; ", waiting);
    }

    /**
     * Once synced: the resources whose watch is closed for a reason other than a renewal (RBAC refuses it, the API
     * server is unreachable), each with the server's reason. Their last listed state is served meanwhile.
     */
    @Override
    public String degradedStatus() {
        Map<String, String> degraded = health.degraded();
        if (degraded.isEmpty()) {
            return "";
        }
        Map<String, List<String>> byReason = new TreeMap<>();
        degraded.forEach((resource, reason) -> byReason.computeIfAbsent(reason, r -> new ArrayList<>()).add(resource));
        List<String> parts = new ArrayList<>();
        byReason.forEach((reason, resources) -> parts.add(String.join(", ", resources) + ": " + reason));
        return "not watching " + String.join("; ", parts);
    }

    /** The resources whose watch is degraded (see {@link #degradedStatus()}), for a gauge per resource. */
    public Set<String> degradedWatches() {
        return health.degraded().keySet();
    }

    @Override
    public List<StoredConfig> configs() {
        return state.configs();
    }

    @Override
    public void close() {
        closed = true;
        worker.shutdownNow();
        InformerCache c = cache;
        if (c != null) {
            for (ResourceWatch<?> w : c.all()) {
                w.close();
            }
        }
        client.close();
    }

    /** Reaches the API server and starts the informers; on failure, says why and tries again later. */
    private void connect() {
        if (closed) {
            return;
        }
        try {
            VersionInfo version = client.getKubernetesVersion();
            boolean slicesServed = servedResources("discovery.k8s.io/v1").contains("endpointslices");
            LOG.info("connected to Kubernetes {}.{} at {}", version.getMajor(), version.getMinor(), apiServer);
            if (!slicesServed) {
                LOG.warn("discovery.k8s.io/v1 EndpointSlices are not served (Kubernetes before 1.21): reading v1 Endpoints instead");
            }
            startInformers(slicesServed);
        } catch (RuntimeException e) {
            String why = ApiErrors.describe("the API server", "get", e, apiServer);
            if (!why.equals(connectStatus)) {
                LOG.error("{}; retrying with backoff (up to every {}); /ready stays 503 until the registry has synced",
                        why, Durations.format(options.maxRetryInterval()));
            }
            connectStatus = why;
            worker.schedule(this::connect, retryMillis, TimeUnit.MILLISECONDS);
            retryMillis = Math.min(retryMillis * 2, options.maxRetryInterval().toMillis());
        }
    }

    private void startInformers(boolean slicesServed) {
        ResourceWatch<Namespace> namespaces = watch("namespaces", Namespace.class, false, Map.of());
        ResourceWatch<Service> services = watch("services", Service.class, true, Map.of());
        ResourceWatch<EndpointSlice> slices = slicesServed
                ? watch("endpointslices.discovery.k8s.io", EndpointSlice.class, true, InformerCache.sliceIndex()) : null;
        ResourceWatch<Endpoints> endpoints = slicesServed ? null : watch("endpoints", Endpoints.class, true, Map.of());
        ResourceWatch<Pod> pods = watch("pods", Pod.class, true, InformerCache.podIpIndex());
        ResourceWatch<Node> nodes = watch("nodes", Node.class, false, Map.of());
        cache = new InformerCache(namespaces, services, slices, endpoints, pods, nodes);
        checkIstioKinds(true);
        long every = options.retryInterval().toMillis();
        worker.scheduleWithFixedDelay(this::checkConnection, every, every, TimeUnit.MILLISECONDS);
        worker.scheduleWithFixedDelay(() -> checkIstioKinds(false), options.crdCheckInterval().toMillis(),
                options.crdCheckInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private <T extends HasMetadata> ResourceWatch<T> watch(String resource, Class<T> type, boolean namespaced,
                                                          Map<String, Function<T, List<String>>> indexers) {
        if (!RESOURCES_READ.contains(resource)) {
            // The RBAC role is written from RESOURCES_READ: a resource missing there would be refused in every cluster.
            throw new IllegalStateException(resource + " is not in RESOURCES_READ");
        }
        return new ResourceWatch<>(client, resource, type, namespaced, indexers, this::event, this::listed, clock, LOG);
    }

    /**
     * Starts an informer for each Istio kind whose CRD the API server now serves. A missing CRD is a warning, not a
     * failure: the kind is looked for again every crdCheckInterval and read from then on.
     */
    private void checkIstioKinds(boolean first) {
        InformerCache c = cache;
        if (closed || ISTIO_KINDS.stream().allMatch(c::watchesIstio)) {
            return;
        }
        Map<String, Set<String>> served = new HashMap<>();
        for (ConfigKind kind : ISTIO_KINDS) {
            for (ConfigKind.Version<?> version : kind.versions()) {
                if (served.containsKey(version.name())) {
                    continue;
                }
                try {
                    served.put(version.name(), servedResources(ConfigKind.ISTIO_NETWORKING + "/" + version.name()));
                } catch (RuntimeException e) {
                    LOG.debug("looking for Istio CRDs in {}/{}: {}", ConfigKind.ISTIO_NETWORKING, version.name(), e.toString());
                    return;
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (ConfigKind kind : ISTIO_KINDS) {
            if (c.watchesIstio(kind)) {
                continue;
            }
            Optional<ConfigKind.Version<?>> version = kind.versions().stream()
                    .filter(v -> served.get(v.name()).contains(kind.plural())).findFirst();
            if (version.isPresent()) {
                if (!first) {
                    LOG.info("the {} CRD is installed now: reading {}/{} {}", kind.resource(), ConfigKind.ISTIO_NETWORKING,
                            version.get().name(), kind.plural());
                }
                c.addIstio(kind, watch(kind.resource(), version.get().type(), true, Map.of()));
            } else {
                missing.add(kind.resource());
            }
        }
        if (first && !missing.isEmpty()) {
            LOG.warn("Istio CRDs not installed: {}; objects of those kinds are ignored until their CRD appears "
                    + "(looked for every {})", String.join(", ", missing), Durations.format(options.crdCheckInterval()));
        }
    }

    /** API discovery: the resources {@code groupVersion} serves; none for a group or version the server lacks. */
    private Set<String> servedResources(String groupVersion) {
        APIResourceList resources = client.getApiResources(groupVersion);
        Set<String> out = new HashSet<>();
        if (resources != null && resources.getResources() != null) {
            for (APIResource r : resources.getResources()) {
                out.add(r.getName());
            }
        }
        return out;
    }

    /** Looks at the watches once the registry has synced: see {@link WatchHealth}. */
    private void checkConnection() {
        InformerCache c = cache;
        if (c != null && synced.isDone() && !closed) {
            health.check(c.all());
        }
    }

    /**
     * The API server no longer serves a resource that was watched: for an Istio kind, its CRD has been deleted. As in
     * Istio, whose informers then see every object of the kind deleted (Kubernetes deletes a CRD's objects before the
     * CRD), the kind is dropped; it is read again once its CRD is back, looked for every crdCheckInterval. Returns
     * false for any other resource.
     */
    private boolean crdGone(ResourceWatch<?> watch) {
        InformerCache c = cache;
        Optional<ConfigKind> kind = ISTIO_KINDS.stream().filter(k -> k.resource().equals(watch.resource())).findFirst();
        if (c == null || kind.isEmpty() || !c.removeIstio(kind.get(), watch)) {
            return false;
        }
        int cached = watch.list().size();
        watch.close();
        LOG.warn("the {} CRD was deleted (Kubernetes deletes its objects with it): no longer serving objects of that kind{}; "
                        + "looking for the CRD every {}", watch.resource(), cached == 0 ? "" : " (" + cached + " dropped)",
                Durations.format(options.crdCheckInterval()));
        deriveAll.set(true);
        changed();
        return true;
    }

    /** True while every informer's watch is open; false during an outage (the last state is served meanwhile). */
    boolean watching() {
        InformerCache c = cache;
        return c != null && c.all().stream().allMatch(ResourceWatch::isWatching);
    }

    /** An informer event, from its thread: its objects wait for the next update. */
    private void event(HasMetadata before, HasMetadata after) {
        if (before != null) {
            events.add(before);
        }
        if (after != null) {
            events.add(after);
        }
        changed();
    }

    /** An informer's first list is in: the next update derives everything (its events were queued before). */
    private void listed() {
        deriveAll.set(true);
        changed();
    }

    /** Queue one update, unless one is queued already. */
    private void changed() {
        if (!closed && rebuildQueued.compareAndSet(false, true)) {
            try {
                worker.execute(this::rebuild);
            } catch (RejectedExecutionException e) {
                // Closing.
            }
        }
    }

    private void rebuild() {
        rebuildQueued.set(false);
        InformerCache c = cache;
        if (closed || c == null) {
            return;
        }
        if (!synced.isDone() && !c.all().stream().allMatch(ResourceWatch::hasSynced)) {
            return;
        }
        List<HasMetadata> batch = new ArrayList<>();
        for (HasMetadata o = events.poll(); o != null; o = events.poll()) {
            batch.add(o);
        }
        RegistryState after = deriveAll.getAndSet(false) || !synced.isDone()
                ? builder.build(c, discoverySelectors.get())
                : builder.update(c, discoverySelectors.get(), batch);
        reportErrors(after.snapshot().errors());
        state = after;
        if (!synced.isDone()) {
            RegistrySnapshot s = after.snapshot();
            LOG.info("Kubernetes registry synced in {} ms: {} services, {} objects ({} rejected)",
                    Duration.between(created, clock.instant()).toMillis(), s.services().size(), after.objects().size(), s.errors().size());
            synced.complete(null);
            return;
        }
        Optional<PushRequest> push = ConfigChanges.pushRequest(builder.lastChange(), clock.instant());
        if (push.isPresent()) {
            LOG.debug("{} changed, requesting {} push", push.get().configsUpdated(), push.get().full() ? "a full" : "an endpoints");
            updater.configUpdate(push.get());
        }
    }

    /** Each rejected object once, when it is first rejected (or rejected for a new reason). */
    private void reportErrors(List<ConfigError> errors) {
        for (ConfigError e : errors) {
            if (!reportedErrors.contains(e)) {
                LOG.error("rejected {}", e);
            }
        }
        reportedErrors = List.copyOf(errors);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
