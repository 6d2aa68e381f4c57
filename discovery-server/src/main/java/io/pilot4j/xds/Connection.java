package io.pilot4j.xds;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.ControlPlane;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.pilot4j.log.Scope;
import io.pilot4j.model.ClientText;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.Generators;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.xds.RequestClassifier.Decision;
import org.slf4j.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One ADS stream (Istio's xds.Connection), state of the world ({@link SotwConnection}) or delta
 * ({@link DeltaConnection}). Requests and pushes both run on the connection's {@link SerialExecutor}, so its state
 * is confined to one task at a time. What the client watches and holds is one immutable {@link ClientState}, which
 * each request and each response replaces; debug endpoints read it from other threads.
 *
 * <p>What both protocols share lives here: the node of the first request and its {@link ProxyView}, registration for
 * pushes, the push fan-out over types with flow control, generation through the {@link XdsCache}, sending, and how
 * decisions are logged and counted. The subclasses read requests and build responses.
 *
 * @param <R> the stream's response message
 */
abstract class Connection<R extends Message> {
    static final Logger log = Scope.ADS.logger();
    private static final AtomicLong IDS = new AtomicLong();

    final DiscoveryServer server;
    final Clock clock;
    private final ServerCallStreamObserver<R> stream;
    private final SerialExecutor executor;
    private final Instant connectedAt;
    private final String peer;

    // Written on the executor, read by debug endpoints.
    private volatile ClientState state = ClientState.NONE;
    // Written once on the executor, read by debug endpoints.
    private volatile Proxy proxy;
    private volatile ProxyView view;
    private volatile String id;
    // Written on the executor, read by debug endpoints: the push waiting for the client to read again.
    private volatile PushEvent pendingPush;
    // Bytes sent since the stream was last seen ready, counted in the server's send budget; written from gRPC
    // callbacks and the executor.
    private final AtomicLong unflushed = new AtomicLong();
    private volatile long unflushedSince;
    // Confined to the executor.
    private Map<String, XdsGenerator> generators = Map.of();
    private final Map<XdsType, CacheKey> keys = new EnumMap<>(XdsType.class);
    private boolean registered;
    private boolean closed;

    /** The cache key of a type's subscription, remade only when the subscription is replaced. */
    private record CacheKey(ResourceNames names, XdsCache.Key key) {
    }

    /**
     * @param pool runs the connection's tasks; a stream admitted late by the rate limit gets one that holds its first
     *             task back until its turn
     */
    Connection(DiscoveryServer server, ServerCallStreamObserver<R> stream, Executor pool, Clock clock, String peer) {
        this.server = server;
        this.stream = stream;
        this.executor = new SerialExecutor(pool, server.sendBudget()::admit);
        this.clock = clock;
        this.connectedAt = clock.instant();
        this.peer = peer;
        // A client that stops reading makes the stream unready; pushes then wait, merged, until it drains.
        stream.setOnReadyHandler(() -> {
            releaseUnflushed();
            executor.execute(this::flushPendingPush);
        });
        stream.setOnCancelHandler(() -> {
            releaseUnflushed();
            executor.execute(this::close);
        });
    }

    /** "sotw" or "delta", as /debug/syncz shows it. */
    abstract String protocol();

    /**
     * Sends what a push changed for one watched type.
     *
     * @param newest the server's current snapshot, newer than the push's own when more pushes followed it
     */
    abstract void pushType(XdsType type, PushContext newest, PushEvent event);

    /** Stable after the first request; null before. */
    String id() {
        return id;
    }

    Proxy proxy() {
        return proxy;
    }

    /** What generators read of the proxy; null before the first request. */
    ProxyView view() {
        return view;
    }

    Instant connectedAt() {
        return connectedAt;
    }

    String peer() {
        return peer;
    }

    /** The current watch state per type, in push order; safe from any thread. */
    Map<XdsType, WatchedResource> watched() {
        return state.types();
    }

    /** The watch of a type; null when the client does not subscribe to it. */
    final WatchedResource watch(XdsType type) {
        return state.get(type);
    }

    /** Runs a request's handling after anything already queued for this connection. */
    final void execute(Runnable task) {
        executor.execute(task);
    }

    /** The client ended the stream: with an error or cancellation, or by half-closing it (then we complete our side). */
    void onStreamEnd(boolean clientCompleted) {
        executor.execute(() -> {
            if (clientCompleted && !closed) {
                completeQuietly();
            }
            close();
        });
    }

    /** A request that is no protobuf of its type: the stream ends, with one line in the log. */
    void refuseMalformed(String reason) {
        executor.execute(() -> {
            if (closed) {
                return;
            }
            log.warn("{}: ending the stream with INVALID_ARGUMENT: a request is {}", id != null ? id : "ADS stream from " + peer, reason);
            fail(Status.INVALID_ARGUMENT.withDescription("request is " + reason));
            close();
        });
    }

    /** The push waiting for the client to read again, if any; safe from any thread. */
    PushEvent pendingPush() {
        return pendingPush;
    }

    /**
     * Runs a push from the push queue after anything already queued for this connection; {@code done} frees the
     * queue's slot once the responses are handed to gRPC, or parked because the client is not reading.
     */
    void push(PushEvent event, Runnable done) {
        executor.execute(() -> {
            try {
                pushNow(event);
            } finally {
                done.run();
            }
        });
    }

    /**
     * The type a request is about, or null when the request is to be ignored: the stream is closed, its first request
     * does not identify the node (the stream then fails), or the type is not one pilot4j serves. On the executor.
     */
    final XdsType accept(Node node, String typeUrl) {
        if (closed) {
            return null;
        }
        if (proxy == null && !initialize(node)) {
            return null;
        }
        XdsType type = XdsType.forTypeUrl(typeUrl);
        if (type == null) {
            log.debug("{}: ignoring request for unsupported type {}", id, ClientText.abbreviate(typeUrl));
        }
        return type;
    }

    final boolean wildcardAllowed(XdsType type) {
        return type.wildcardAllowed(view);
    }

    /** Replaces the watch of a type, after a request or a response; null forgets it. On the executor. */
    final void update(XdsType type, WatchedResource watch) {
        state = state.with(type, watch);
    }

    /**
     * Logs what a request meant, after {@link #update}, and counts rejections and expired nonces.
     *
     * @param clientVersion the version the client still runs, for a NACK
     */
    final void recordDecision(XdsType type, Decision decision, String nonce, String clientVersion, String error) {
        WatchedResource watch = watch(type);
        switch (decision) {
            case NACK -> {
                log.warn("{}: {} NACK nonce={} version={}: {}", id, type, ClientText.abbreviate(nonce), ClientText.abbreviate(clientVersion),
                        ClientText.abbreviate(error));
                server.recordNack(type);
            }
            case STALE -> {
                log.debug("{}: {} stale nonce {} (sent {})", id, type, ClientText.abbreviate(nonce), watch.nonceSent());
                server.recordExpiredNonce(type);
            }
            default -> log.debug("{}: {} {} names={} nonce={}", id, type, decision, watch == null ? "[]" : watch.names().names(), nonce);
        }
    }

    /**
     * What the generator of a type makes of a subscription, from the cache; null when there is no subscription or
     * generation failed. Changes nothing the client is known to hold: the caller records what it sends, with the
     * generation's names ({@link WatchedResource#sharing}).
     */
    final Generation generate(XdsType type, WatchedResource watch, PushContext push) {
        XdsGenerator generator = generators.get(type.typeUrl);
        if (watch == null || generator == null) {
            return null;
        }
        CacheKey cached = keys.get(type);
        // Labels no rule of this snapshot selects on are left out of the key, so that workloads share generations.
        ProxyView keyView = view.narrowedFor(push);
        XdsCache.Key key = cached != null && cached.names() == watch.names() && cached.key().view().equals(keyView)
                ? cached.key() : new XdsCache.Key(type, keyView, watch.names());
        try {
            Generation g = server.cache().get(key, push, generator);
            keys.put(type, new CacheKey(g.key().names(), g.key()));
            return g;
        } catch (RuntimeException e) {
            log.error("{}: generating {} failed for push {}; nothing sent", id, type, push.version(), e);
            return null;
        }
    }

    static String newNonce() {
        return UUID.randomUUID().toString();
    }

    final ControlPlane controlPlane() {
        return server.controlPlane();
    }

    /**
     * Sends a response; false when the stream is gone (the cancel handler then closes the connection).
     *
     * @param resourceBytes size of the resources it carries, for pilot_xds_config_size_bytes
     * @param startNanos    {@link DiscoveryServer#nanoTime()} before the response was generated, for pilot_xds_push_time
     */
    final boolean send(XdsType type, R response, long resourceBytes, long startNanos) {
        // Counted before the send: the stream may turn ready, and release it, before onNext returns.
        server.sendBudget().acquire(resourceBytes);
        if (unflushed.getAndAdd(resourceBytes) == 0) {
            unflushedSince = server.nanoTime();
        }
        try {
            stream.onNext(response);
        } catch (RuntimeException e) {
            releaseUnflushed();
            log.debug("{}: send failed: {}", id, e.toString());
            return false;
        }
        if (stream.isReady()) {
            // Under gRPC's 32 KiB threshold: as good as taken.
            releaseUnflushed();
        }
        server.recordSent(type, resourceBytes, startNanos);
        return true;
    }

    /**
     * Stops counting what this stream has not taken if it has held it for longer than {@code afterNanos}: a client
     * that stopped reading keeps that memory either way, and must not keep others waiting on the send budget.
     */
    void forgiveStuckBytes(long nowNanos, long afterNanos) {
        if (unflushed.get() > 0 && nowNanos - unflushedSince > afterNanos) {
            releaseUnflushed();
        }
    }

    private void releaseUnflushed() {
        long bytes = unflushed.getAndSet(0);
        if (bytes > 0) {
            server.sendBudget().release(bytes);
        }
    }

    private boolean initialize(Node node) {
        if (node.getId().isEmpty()) {
            fail(Status.INVALID_ARGUMENT.withDescription("the first request on a stream must carry node.id"));
            return false;
        }
        try {
            proxy = NodeIdentity.proxyOf(node);
        } catch (IllegalArgumentException e) {
            log.warn("rejecting ADS stream from {}: {}", peer, e.getMessage());
            fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
            return false;
        }
        // Istio's conID, in every log line of the connection: the node id itself is logged once, below.
        id = ClientText.abbreviate(proxy.id().isEmpty() ? proxy.nodeId() : proxy.id()) + "-" + IDS.incrementAndGet();
        view = ProxyView.of(proxy);
        generators = Generators.forView(view);
        // Registered before the first response reads the push snapshot, so no push can slip between the two.
        server.register(this);
        registered = true;
        log.info("new connection for node:{} {} from {} ({})", ClientText.abbreviate(proxy.nodeId()), id, peer, protocol());
        return true;
    }

    private void pushNow(PushEvent event) {
        if (closed || proxy == null) {
            return;
        }
        if (!stream.isReady()) {
            // The client stopped reading: keep one merged push for when it drains, never a queue of responses.
            pendingPush = event.merge(pendingPush);
            return;
        }
        PushContext newest = server.pushContext();
        for (XdsType type : XdsType.PUSH_ORDER) {
            if (event.scope().types().contains(type) && watch(type) != null) {
                pushType(type, newest, event);
            }
        }
        server.recordConvergence(event.request());
    }

    /** The stream drained: the push that waited goes back through the queue, and its throttle, as one push. */
    private void flushPendingPush() {
        PushEvent pending = pendingPush;
        if (pending != null && !closed && stream.isReady()) {
            pendingPush = null;
            server.requeue(this, pending);
        }
    }

    private void fail(Status status) {
        closed = true;
        try {
            stream.onError(status.asRuntimeException());
        } catch (RuntimeException ignored) {
            // Already closed by the peer.
        }
    }

    private void close() {
        closed = true;
        pendingPush = null;
        releaseUnflushed();
        if (registered) {
            registered = false;
            server.unregister(this);
            log.info("connection {} closed", id);
        }
    }

    /** Completes the stream from the server side (shutdown). */
    void completeStream() {
        executor.execute(() -> {
            if (!closed) {
                completeQuietly();
            }
            close();
        });
    }

    private void completeQuietly() {
        try {
            stream.onCompleted();
        } catch (RuntimeException ignored) {
            // Peer already gone.
        }
    }
}
