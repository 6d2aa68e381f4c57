package io.pilot4j.xds;

import io.envoyproxy.envoy.config.core.v3.ControlPlane;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pilot4j.log.Scope;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.Kind;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushChanges;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.XdsUpdater;
import io.pilot4j.monitoring.PilotMetrics;
import io.pilot4j.push.Debouncer;
import io.pilot4j.push.Environment;
import io.pilot4j.push.PushRuntime;
import io.pilot4j.push.PushTuning;
import io.pilot4j.translate.Generators;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;
import org.slf4j.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The push side of the control plane (Istio's xds.DiscoveryServer): takes change notifications from registries,
 * debounces them, builds one immutable {@link PushContext} per push, compares it with the previous one, and queues a
 * push for every connection whose view the difference can affect ({@link PushScope}). The {@link PushQueue} hands
 * pushes to connections at most PILOT_PUSH_THROTTLE at a time; each connection generates through the shared
 * {@link XdsCache} on its own serial executor, so proxies with equal views share one generation per push.
 */
public final class DiscoveryServer implements XdsUpdater, AutoCloseable {
    private static final Logger log = Scope.ADS.logger();

    /** How long a stream may hold sent bytes it does not read before they stop counting against the send budget. */
    private static final long STUCK_AFTER_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Environment environment;
    private final Debouncer debouncer;
    private final PushRuntime runtime;
    /** The runtime this server made for itself, and closes; null when it was given one. */
    private final PushRuntime ownRuntime;
    private final Clock clock;
    private final ControlPlane controlPlane;
    private final Map<String, Connection<?>> connections = new ConcurrentHashMap<>();
    private final PilotMetrics metrics;
    private final XdsCache cache;
    private final PushQueue queue;
    private final RequestRateLimit requestRateLimit;
    private final SendBudget sendBudget;
    private final AtomicLong pushes = new AtomicLong();
    /** The snapshot installed last; connections read it, and its sequence tells them apart. */
    private volatile PushContext current;
    /** Set once the registries have synced and the first snapshot is built; streams are refused before. */
    private volatile boolean ready;
    /** What {@link #countRejectedConfigs} counted last; guarded by this. */
    private Set<ConfigError> countedRejections = Set.of();

    /** With metrics that nobody scrapes and Istio's default limits (tests, tools). */
    public DiscoveryServer(Environment environment, Duration debounceAfter, Duration debounceMax, Clock clock, String identifier) {
        this(environment, new PilotMetrics(new SimpleMeterRegistry()), PushTuning.debounce(debounceAfter, debounceMax), clock, identifier);
    }

    /** With Istio's default limits. */
    public DiscoveryServer(Environment environment, PilotMetrics metrics, Duration debounceAfter, Duration debounceMax, Clock clock,
                           String identifier) {
        this(environment, metrics, PushTuning.debounce(debounceAfter, debounceMax), clock, identifier);
    }

    /** On real time and threads of its own. */
    public DiscoveryServer(Environment environment, PilotMetrics metrics, PushTuning tuning, Clock clock, String identifier) {
        this(environment, metrics, tuning, PushRuntime.system(clock), identifier, true);
    }

    /** On the caller's time and threads (a test's virtual time), which {@link #close()} leaves running. */
    public DiscoveryServer(Environment environment, PilotMetrics metrics, PushTuning tuning, PushRuntime runtime, String identifier) {
        this(environment, metrics, tuning, runtime, identifier, false);
    }

    private DiscoveryServer(Environment environment, PilotMetrics metrics, PushTuning tuning, PushRuntime runtime, String identifier,
                            boolean owned) {
        this.environment = environment;
        this.metrics = metrics;
        this.runtime = runtime;
        this.ownRuntime = owned ? runtime : null;
        this.clock = runtime.clock();
        this.controlPlane = ControlPlane.newBuilder().setIdentifier(identifier).build();
        this.current = PushContext.empty(environment.mesh());
        this.cache = new XdsCache(metrics);
        this.queue = new PushQueue(tuning.pushThrottle());
        this.requestRateLimit = new RequestRateLimit(tuning.maxRequestsPerSecond(), runtime.ticker());
        this.sendBudget = new SendBudget(tuning.sendBudgetBytes());
        this.debouncer = new Debouncer(tuning.debounceAfter(), tuning.debounceMax(), this::push, clock, metrics::debounced, runtime.timer(),
                runtime.pusher());
        metrics.bindServices(() -> current.services().size());
        metrics.bindXdsCache(cache::size);
        runtime.timer().scheduleWithFixedDelay(this::forgiveStuckBytes, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Builds the first snapshot and starts serving; call once registries have synced. Pushes requested before are
     * dropped: this snapshot already holds what they were about.
     */
    public synchronized void initialize() {
        PushContext push = environment.buildPushContext(current.sequence() + 1);
        cache.install(push, PushChanges.everything());
        current = push;
        ready = true;
        countRejectedConfigs();
        log.info("initial push context {}: {} services", push.version(), push.services().size());
    }

    /**
     * What /debug/push_status lists, as of the current snapshot: objects the registries rejected (and a rejected mesh
     * edit), declarations another one hid, and what the snapshot's rule analysis found.
     */
    public List<ConfigError> configErrors() {
        PushContext push = current;
        List<ConfigError> errors = new ArrayList<>(environment.configErrors());
        errors.addAll(push.conflicts());
        errors.addAll(push.ruleAnalysis());
        return errors;
    }

    /**
     * Counts in {@code pilot_total_rejected_configs} each config object reported since the last snapshot. Registries
     * ask for a push when what they reject changes, so every rejection passes here. The mesh file is not a config
     * object: its rejected edits are logged and listed only.
     */
    private void countRejectedConfigs() {
        List<ConfigError> now = configErrors();
        for (ConfigError e : now) {
            if (!countedRejections.contains(e) && !e.kind().equals(Kind.MESH_CONFIG.kubeKind())) {
                metrics.rejectedConfig(e.kind().isEmpty() ? "file" : e.kind(),
                        e.name().isEmpty() ? e.source() : e.namespace().isEmpty() ? e.name() : e.namespace() + "/" + e.name());
            }
        }
        countedRejections = Set.copyOf(now);
    }

    /** Whether xDS streams are served (Istio's IsServerReady). */
    public boolean isReady() {
        return ready;
    }

    @Override
    public void configUpdate(PushRequest request) {
        metrics.inboundUpdate(request);
        debouncer.enqueue(request);
    }

    /**
     * Rebuilds the snapshot (for a request that is not full, only the endpoints it names) and queues a push for every
     * connection whose view what changed can affect; runs on the
     * debouncer's push thread. What is pushed follows the snapshots' difference, not the request: a request that
     * arrived after the snapshot was built is pushed again by its own push, finding nothing more to send.
     */
    void push(PushRequest request) {
        PushContext before;
        PushContext push;
        PushChanges changes;
        synchronized (this) {
            if (!ready) {
                log.debug("not ready yet: dropping push {}", request.reasons());
                return;
            }
            before = current;
            if (request.full()) {
                push = environment.buildPushContext(before.sequence() + 1);
                changes = PushChanges.between(before, push);
            } else {
                // Endpoints of the request's hostnames only: services, rules, their index and every other hostname's
                // endpoints are kept, as in Istio's non-full push, and only those hostnames are compared.
                push = environment.withCurrentEndpoints(before, request.endpointHosts(), before.sequence() + 1);
                changes = PushChanges.ofEndpoints(before, push, request.endpointHosts());
            }
            // The cache moves to the new snapshot before anyone can read it from current.
            cache.install(push, changes);
            current = push;
            countRejectedConfigs();
        }
        pushes.incrementAndGet();
        Map<ProxyView, PushScope> scopes = new HashMap<>();
        int queued = 0;
        for (Connection<?> c : connections.values()) {
            PushScope scope = scopes.computeIfAbsent(c.view(), view -> PushScope.of(changes, before, push, view));
            if (!scope.isEmpty()) {
                // Counted before it is queued: a client may have the push before this thread runs again.
                metrics.pushTriggers(request.reasons());
                queue.enqueue(c, new PushEvent(scope, request, push));
                queued++;
            }
        }
        log.info("Push {} full={} reasons={} configs={}: services changed={} endpoints changed={}{} to {} of {} proxies", push.version(),
                request.full(), request.reasons(), request.configsUpdated().size(), changes.services().size(), changes.endpoints().size(),
                changes.mesh() ? " mesh changed" : changes.rules().isEmpty() ? "" : " rules changed=" + changes.rules(), queued,
                connections.size());
    }

    /** A push that waited for its client to read goes back into the queue. */
    void requeue(Connection<?> connection, PushEvent event) {
        queue.enqueue(connection, event);
    }

    /**
     * Takes a new stream's turn under PILOT_MAX_REQUESTS_PER_SECOND: nanoseconds it must wait before it is served, or
     * -1 when it is refused.
     */
    long admit() {
        return requestRateLimit.reserve();
    }

    XdsCache cache() {
        return cache;
    }

    SendBudget sendBudget() {
        return sendBudget;
    }

    /** Monotonic nanoseconds of this server's runtime, for durations; see {@link PushRuntime#ticker()}. */
    long nanoTime() {
        return runtime.ticker().getAsLong();
    }

    private void forgiveStuckBytes() {
        long now = nanoTime();
        for (Connection<?> c : connections.values()) {
            c.forgiveStuckBytes(now, STUCK_AFTER_NANOS);
        }
    }

    /** The snapshot installed last: what a request is answered from, and what debug pages show. */
    public PushContext pushContext() {
        return current;
    }

    public Environment environment() {
        return environment;
    }

    ControlPlane controlPlane() {
        return controlPlane;
    }

    /** @param delayNanos from {@link #admit()}: the stream's first request is handled no sooner */
    SotwConnection newConnection(ServerCallStreamObserver<DiscoveryResponse> stream, String peer, long delayNanos) {
        return new SotwConnection(this, stream, executorAfter(delayNanos), clock, peer);
    }

    DeltaConnection newDeltaConnection(ServerCallStreamObserver<DeltaDiscoveryResponse> stream, String peer, long delayNanos) {
        return new DeltaConnection(this, stream, executorAfter(delayNanos), clock, peer);
    }

    /** The connection pool, holding a stream's tasks back until its admission time has come. */
    private Executor executorAfter(long delayNanos) {
        Executor pool = runtime.connections();
        if (delayNanos <= 0) {
            return pool;
        }
        long admittedAt = nanoTime() + delayNanos;
        return task -> {
            long wait = admittedAt - nanoTime();
            if (wait <= 0) {
                pool.execute(task);
            } else {
                runtime.timer().schedule(() -> pool.execute(task), wait, TimeUnit.NANOSECONDS);
            }
        };
    }

    void register(Connection<?> c) {
        connections.put(c.id(), c);
        metrics.proxyConnected(istioVersion(c.proxy()));
    }

    void unregister(Connection<?> c) {
        if (connections.remove(c.id(), c)) {
            metrics.proxyDisconnected(istioVersion(c.proxy()));
        }
    }

    void recordNack(XdsType type) {
        metrics.rejected(metricType(type));
    }

    void recordExpiredNonce(XdsType type) {
        metrics.expiredNonce(metricType(type));
    }

    /** A response went out on a stream; {@code startNanos} is {@link #nanoTime()} before generating it. */
    void recordSent(XdsType type, long resourceBytes, long startNanos) {
        metrics.sent(metricType(type), type.typeUrl, resourceBytes, Duration.ofNanos(nanoTime() - startNanos));
    }

    /** A push has reached a proxy: convergence counts from the earliest change it carries. */
    void recordConvergence(PushRequest request) {
        metrics.converged(Duration.between(request.start(), clock.instant()));
    }

    /** Istio's GetMetricType: the {@code type} label of the xDS metrics. */
    private static String metricType(XdsType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    /** The pilot_xds label: Istio reads the proxy's ISTIO_VERSION metadata, empty when it is not sent. */
    private static String istioVersion(Proxy proxy) {
        return proxy.metadata().getOrDefault("ISTIO_VERSION", "");
    }

    public long nackCount() {
        return metrics.rejects();
    }

    public long expiredNonceCount() {
        return metrics.expiredNonces();
    }

    public long pushCount() {
        return pushes.get();
    }

    /** Connected proxies, sorted by connection id. */
    public List<SyncStatus> syncStatus() {
        List<SyncStatus> out = new ArrayList<>();
        for (Connection<?> c : connections.values()) {
            out.add(SyncStatus.of(c));
        }
        out.sort(Comparator.comparing(SyncStatus::connectionId));
        return out;
    }

    /**
     * The config the current snapshot generates for a connected proxy, found by connection id, node id or
     * Istio's proxyID ({@code pod.namespace}).
     */
    public Optional<GeneratedConfig> generatedConfig(String proxyId) {
        return connection(proxyId).map(c -> {
            PushContext push = current;
            ProxyView view = c.view();
            Map<String, XdsGenerator> generators = Generators.forView(view);
            Map<XdsType, WatchedResource> watched = c.watched();
            Map<String, List<XdsResource>> resources = new LinkedHashMap<>();
            for (XdsType type : XdsType.PUSH_ORDER) {
                XdsGenerator g = generators.get(type.typeUrl);
                WatchedResource w = watched.get(type);
                if (g == null) {
                    continue;
                }
                ResourceNames names = w != null ? w.names() : type.wildcardAllowed(view) ? ResourceNames.all() : null;
                if (names != null) {
                    resources.put(type.typeUrl, g.generate(view, push, names));
                }
            }
            return new GeneratedConfig(c.proxy(), push.version(), resources);
        });
    }

    /** A connected proxy by connection id, node id or Istio's proxyID ({@code pod.namespace}). */
    Optional<Connection<?>> connection(String proxyId) {
        for (Connection<?> c : connections.values()) {
            var proxy = c.proxy();
            if (proxy != null && (proxyId.equals(c.id()) || proxyId.equals(proxy.nodeId()) || proxyId.equals(proxy.id()))) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Connections waiting in the push queue for a slot. */
    int queuedPushes() {
        return queue.size();
    }

    @Override
    public void close() {
        debouncer.close();
        queue.close();
        for (Connection<?> c : connections.values()) {
            c.completeStream();
        }
        if (ownRuntime != null) {
            ownRuntime.close();
        }
    }
}
