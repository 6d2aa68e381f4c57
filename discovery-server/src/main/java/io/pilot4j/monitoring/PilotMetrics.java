package io.pilot4j.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.NamingConvention;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.TriggerReason;
import io.pilot4j.serviceregistry.ConfigKind;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Istio's pilot metrics (pilot/pkg/xds/monitoring.go, pkg/xds/monitoring.go) on a Micrometer registry: Istio's names,
 * types, label names, help texts and buckets. Histograms are in seconds (or bytes) and carry no unit suffix, and
 * counters are written without {@code _total} by {@link IstioTextFormat}, so every series has the name istiod gives it.
 * Durations are Micrometer timers: its fixed-bucket histograms count whole units, so seconds recorded as plain numbers
 * would land 0.3 s in the 1 s bucket, where a timer records nanoseconds.
 * The {@code type} label of the xDS metrics is Istio's short type ({@code cds}, {@code eds}, {@code lds},
 * {@code rds}), except on {@code pilot_xds_config_size_bytes}, which Istio labels with the full type URL.
 */
public final class PilotMetrics {
    public static final String XDS = "pilot_xds";
    public static final String SERVICES = "pilot_services";
    public static final String XDS_PUSHES = "pilot_xds_pushes";
    public static final String XDS_PUSH_TIME = "pilot_xds_push_time";
    public static final String XDS_CONFIG_SIZE_BYTES = "pilot_xds_config_size_bytes";
    public static final String TOTAL_XDS_REJECTS = "pilot_total_xds_rejects";
    public static final String XDS_EXPIRED_NONCE = "pilot_xds_expired_nonce";
    public static final String PUSH_TRIGGERS = "pilot_push_triggers";
    public static final String PROXY_CONVERGENCE_TIME = "pilot_proxy_convergence_time";
    public static final String DEBOUNCE_TIME = "pilot_debounce_time";
    public static final String INBOUND_UPDATES = "pilot_inbound_updates";
    public static final String TOTAL_REJECTED_CONFIGS = "pilot_total_rejected_configs";
    /**
     * pilot4j's own, not Istio's (istiod has no such series): 1 while a Kubernetes resource's watch is closed for a
     * reason other than a renewal (RBAC refuses it, the API server is unreachable) and its last listed state is served.
     */
    public static final String K8S_WATCH_DEGRADED = "pilot4j_k8s_watch_degraded";
    /** Istio's XDS cache series carry no pilot_ prefix. */
    public static final String XDS_CACHE_READS = "xds_cache_reads";
    public static final String XDS_CACHE_SIZE = "xds_cache_size";

    /** Istio's sums: exposed as counters without the {@code _total} suffix. */
    static final Set<String> COUNTERS = Set.of(XDS_PUSHES, TOTAL_XDS_REJECTS, XDS_EXPIRED_NONCE, PUSH_TRIGGERS, INBOUND_UPDATES,
            XDS_CACHE_READS, TOTAL_REJECTED_CONFIGS);
    /** Istio's distributions: exposed as histograms, with none of the {@code _max} gauges Micrometer adds. */
    static final Set<String> HISTOGRAMS = Set.of(XDS_PUSH_TIME, XDS_CONFIG_SIZE_BYTES, PROXY_CONVERGENCE_TIME, DEBOUNCE_TIME);
    private static final Set<String> FAMILIES = families();

    // Istio's bucket boundaries, seconds and bytes.
    private static final Duration[] PUSH_SECONDS = seconds(.01, .1, 1, 3, 5, 10, 20, 30);
    private static final Duration[] CONVERGENCE_SECONDS = seconds(.1, .5, 1, 3, 5, 10, 20, 30);
    /** 10K, 1M, 4M (gRPC's default message limit), 10M (strains the system), 40M (about the most that works). */
    private static final double[] CONFIG_BYTES = {1, 10_000, 1_000_000, 4_000_000, 10_000_000, 40_000_000};

    private static final String TYPE = "type";

    private final MeterRegistry registry;
    private final Timer debounceTime;
    private final Timer convergenceTime;
    private final Counter cacheHits;
    private final Counter cacheMisses;
    /** Istio's xdsClientTracker: a gauge per proxy version that stays (at 0) once its last proxy is gone. */
    private final Map<String, AtomicLong> connectedByVersion = new ConcurrentHashMap<>();

    public PilotMetrics(MeterRegistry registry) {
        this.registry = registry;
        keepIstiosNames(registry);
        this.debounceTime = Timer.builder(DEBOUNCE_TIME)
                .description("Delay in seconds between the first config enters debouncing and the merged push request is pushed into the push queue.")
                .serviceLevelObjectives(PUSH_SECONDS)
                .register(registry);
        this.convergenceTime = Timer.builder(PROXY_CONVERGENCE_TIME)
                .description("Delay in seconds between config change and a proxy receiving all required configuration.")
                .serviceLevelObjectives(CONVERGENCE_SECONDS)
                .register(registry);
        this.cacheHits = cacheReads("hit");
        this.cacheMisses = cacheReads("miss");
    }

    /** {@code pilot_services}, read at every scrape. */
    public void bindServices(IntSupplier services) {
        Gauge.builder(SERVICES, services::getAsInt).description("Total services known to pilot.").register(registry);
    }

    /** {@code pilot4j_k8s_watch_degraded{resource}}: one gauge per resource the registry may read, read at every scrape. */
    public void bindWatchDegraded(List<String> resources, Supplier<Set<String>> degraded) {
        for (String resource : resources) {
            Gauge.builder(K8S_WATCH_DEGRADED, () -> degraded.get().contains(resource) ? 1 : 0)
                    .description("1 while the watch on this Kubernetes resource is closed for a reason other than a renewal "
                            + "(RBAC refuses it, the API server is unreachable) and its last listed state is served.")
                    .tag("resource", resource).register(registry);
        }
    }

    /** {@code xds_cache_size}: entries of the current push snapshot in the XDS cache, read at every scrape. */
    public void bindXdsCache(IntSupplier entries) {
        Gauge.builder(XDS_CACHE_SIZE, entries::getAsInt).description("Current size of xds cache").register(registry);
    }

    /**
     * {@code xds_cache_reads{type=hit|miss}}: a response's resources were found generated for the proxy's view and
     * subscription in the current push snapshot, or had to be generated.
     */
    public void xdsCacheRead(boolean hit) {
        (hit ? cacheHits : cacheMisses).increment();
    }

    /** Cache reads so far that were hits (true) or misses (false). */
    public long xdsCacheReads(boolean hit) {
        return (long) (hit ? cacheHits : cacheMisses).count();
    }

    /** {@code pilot_xds{version}}: a proxy opened an ADS stream; {@code version} is its ISTIO_VERSION, "" when unknown. */
    public void proxyConnected(String version) {
        connected(version).incrementAndGet();
    }

    public void proxyDisconnected(String version) {
        connected(version).decrementAndGet();
    }

    private AtomicLong connected(String version) {
        return connectedByVersion.computeIfAbsent(version, v -> {
            AtomicLong count = new AtomicLong();
            Gauge.builder(XDS, count, AtomicLong::get).description("Number of endpoints connected to this pilot using XDS.")
                    .tag("version", v).register(registry);
            return count;
        });
    }

    /**
     * One response sent on an ADS stream, answering a request or pushing: {@code pilot_xds_pushes},
     * {@code pilot_xds_push_time} (generation and send) and {@code pilot_xds_config_size_bytes} (the resources' bytes).
     */
    public void sent(String type, String typeUrl, long resourceBytes, Duration took) {
        Counter.builder(XDS_PUSHES).description("Pilot build and send errors for lds, rds, cds and eds.")
                .tag(TYPE, type).register(registry).increment();
        Timer.builder(XDS_PUSH_TIME).description("Total time in seconds Pilot takes to push lds, rds, cds and eds.")
                .serviceLevelObjectives(PUSH_SECONDS).tag(TYPE, type).register(registry).record(took);
        DistributionSummary.builder(XDS_CONFIG_SIZE_BYTES).description("Distribution of configuration sizes pushed to clients")
                .serviceLevelObjectives(CONFIG_BYTES).tag(TYPE, typeUrl).register(registry).record(resourceBytes);
    }

    /** A NACK: the proxy rejected a response of this type. */
    public void rejected(String type) {
        rejects(type).increment();
    }

    /**
     * {@code pilot_total_rejected_configs{type,name}}: a config object rejected or ignored, counted when it is first
     * reported (or reported for a new reason). {@code type} is its kind in lower case, as Istio's "gateway";
     * {@code name} is namespace/name.
     */
    public void rejectedConfig(String kind, String name) {
        Counter.builder(TOTAL_REJECTED_CONFIGS).description("Total number of configs that Pilot had to reject or ignore.")
                .tag(TYPE, kind.toLowerCase(java.util.Locale.ROOT)).tag("name", name).register(registry).increment();
    }

    /** A request answering a nonce that a newer response superseded. */
    public void expiredNonce(String type) {
        expiredNonces(type).increment();
    }

    /** A push queued for one proxy, counted once per reason merged into it, as Istio counts at dequeue. */
    public void pushTriggers(Map<TriggerReason, Integer> reasons) {
        if (reasons.isEmpty()) {
            trigger(TriggerReason.UNKNOWN).increment();
        }
        reasons.forEach((reason, count) -> trigger(reason).increment(count));
    }

    /** A push reached a proxy, this long after the earliest change it carries. */
    public void converged(Duration sinceChange) {
        convergenceTime.record(sinceChange);
    }

    /** A debounced push was built and queued, this long after its first change entered debouncing. */
    public void debounced(Duration sinceFirstChange) {
        debounceTime.record(sinceFirstChange);
    }

    /**
     * A registry reported changes. Istio counts {@code config} for every update request, and {@code eds} and
     * {@code svc} for each service's endpoints and each service updated; a registry here reports a batch of
     * changed objects at once, so those two count its endpoint and service objects.
     */
    public void inboundUpdate(PushRequest request) {
        inbound("config").increment();
        for (ConfigKey key : request.configsUpdated()) {
            // By the kind's role in the kind table; other roles are counted as config above.
            ConfigKind.Role role = ConfigKind.lookup(key.kind()).map(ConfigKind::role).orElse(null);
            if (role == ConfigKind.Role.ENDPOINTS) {
                inbound("eds").increment();
            } else if (role == ConfigKind.Role.SERVICES) {
                inbound("svc").increment();
            }
        }
    }

    /** All NACKs so far, every type (for /debug/push_status). */
    public long rejects() {
        return total(TOTAL_XDS_REJECTS);
    }

    /** All expired nonces so far, every type (for /debug/push_status). */
    public long expiredNonces() {
        return total(XDS_EXPIRED_NONCE);
    }

    private Counter rejects(String type) {
        return Counter.builder(TOTAL_XDS_REJECTS).description("Total number of XDS responses from pilot rejected by proxy.")
                .tag(TYPE, type).register(registry);
    }

    private Counter expiredNonces(String type) {
        return Counter.builder(XDS_EXPIRED_NONCE).description("Total number of XDS requests with an expired nonce.")
                .tag(TYPE, type).register(registry);
    }

    private Counter trigger(TriggerReason reason) {
        return Counter.builder(PUSH_TRIGGERS).description("Total number of times a push was triggered, labeled by reason for the push.")
                .tag(TYPE, reason.label()).register(registry);
    }

    private Counter cacheReads(String type) {
        return Counter.builder(XDS_CACHE_READS).description("Total number of xds cache xdsCacheReads.").tag(TYPE, type).register(registry);
    }

    private Counter inbound(String type) {
        return Counter.builder(INBOUND_UPDATES).description("Total number of updates received by pilot.")
                .tag(TYPE, type).register(registry);
    }

    private long total(String counter) {
        return (long) registry.find(counter).counters().stream().mapToDouble(Counter::count).sum();
    }

    /**
     * Micrometer's Prometheus convention appends {@code _seconds} to every timer (and {@code _total} to counters): Istio's
     * own families keep the names istiod exposes; every other meter is named as Micrometer names it.
     */
    private static void keepIstiosNames(MeterRegistry registry) {
        NamingConvention micrometers = registry.config().namingConvention();
        registry.config().namingConvention(new NamingConvention() {
            @Override
            public String name(String name, Meter.Type type, String baseUnit) {
                return FAMILIES.contains(name) ? name : micrometers.name(name, type, baseUnit);
            }

            @Override
            public String tagKey(String key) {
                return micrometers.tagKey(key);
            }

            @Override
            public String tagValue(String value) {
                return micrometers.tagValue(value);
            }
        });
    }

    private static Set<String> families() {
        Set<String> all = new HashSet<>(COUNTERS);
        all.addAll(HISTOGRAMS);
        all.addAll(Set.of(XDS, SERVICES, XDS_CACHE_SIZE));
        return Set.copyOf(all);
    }

    private static Duration[] seconds(double... bounds) {
        return Arrays.stream(bounds).mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9))).toArray(Duration[]::new);
    }
}
