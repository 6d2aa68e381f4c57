package io.pilot4j.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.ControlPlane;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.pilot4j.log.Scope;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.PushRequest;
import io.pilot4j.translate.Generators;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;
import org.slf4j.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One ADS stream (Istio's xds.Connection). Requests and pushes both run on the connection's
 * {@link SerialExecutor}, so its state is confined to one task at a time; {@link #watched} is a concurrent
 * map of immutable records only so that debug endpoints can read it from other threads.
 */
final class Connection {
    private static final Logger log = Scope.ADS.logger();
    private static final AtomicLong IDS = new AtomicLong();

    private final DiscoveryServer server;
    private final ServerCallStreamObserver<DiscoveryResponse> stream;
    private final SerialExecutor executor;
    private final Clock clock;
    private final Instant connectedAt;
    private final String peer;
    private final Map<XdsType, WatchedResource> watched = new ConcurrentHashMap<>();

    // Written once on the executor, read by debug endpoints.
    private volatile Proxy proxy;
    private volatile String id;
    // Confined to the executor.
    private Map<String, XdsGenerator> generators = Map.of();
    private PushRequest pendingPush;
    private boolean registered;
    private boolean closed;

    Connection(DiscoveryServer server, ServerCallStreamObserver<DiscoveryResponse> stream, Executor pool, Clock clock, String peer) {
        this.server = server;
        this.stream = stream;
        this.executor = new SerialExecutor(pool);
        this.clock = clock;
        this.connectedAt = clock.instant();
        this.peer = peer;
        // A client that stops reading makes the stream unready; pushes then wait, merged, until it drains.
        stream.setOnReadyHandler(() -> executor.execute(this::flushPendingPush));
        stream.setOnCancelHandler(() -> executor.execute(this::close));
    }

    /** Stable after the first request; null before. */
    String id() {
        return id;
    }

    Proxy proxy() {
        return proxy;
    }

    Instant connectedAt() {
        return connectedAt;
    }

    String peer() {
        return peer;
    }

    /** The current watch state per type; safe from any thread. */
    Map<XdsType, WatchedResource> watched() {
        Map<XdsType, WatchedResource> copy = new EnumMap<>(XdsType.class);
        copy.putAll(watched);
        return copy;
    }

    void onRequest(DiscoveryRequest request) {
        executor.execute(() -> handleRequest(request));
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

    /** Queues a push; it runs after anything already queued for this connection. */
    void push(PushRequest request) {
        executor.execute(() -> pushNow(request));
    }

    private void handleRequest(DiscoveryRequest request) {
        if (closed) {
            return;
        }
        if (proxy == null && !initialize(request)) {
            return;
        }
        XdsType type = XdsType.forTypeUrl(request.getTypeUrl());
        if (type == null) {
            log.debug("{}: ignoring request for unsupported type {}", id, request.getTypeUrl());
            return;
        }
        boolean wildcardAllowed = type.wildcardCapable && !proxy.isProxylessGrpc();
        RequestClassifier.Outcome outcome = RequestClassifier.classify(type, watched.get(type), request, wildcardAllowed, clock.instant());
        if (outcome.watch() == null) {
            watched.remove(type);
        } else {
            watched.put(type, outcome.watch());
        }
        switch (outcome.decision()) {
            case NACK -> {
                log.warn("{}: {} NACK nonce={} version={}: {}", id, type, request.getResponseNonce(), request.getVersionInfo(),
                        request.getErrorDetail().getMessage());
                server.recordNack(type);
            }
            case STALE -> {
                log.debug("{}: {} stale nonce {} (sent {})", id, type, request.getResponseNonce(),
                        outcome.watch().nonceSent());
                server.recordExpiredNonce(type);
            }
            default -> log.debug("{}: {} {} names={} nonce={}", id, type, outcome.decision(),
                    outcome.watch() == null ? "[]" : outcome.watch().names().names(), request.getResponseNonce());
        }
        if (outcome.decision().respond) {
            respond(type, server.pushContext(), false);
        }
    }

    private boolean initialize(DiscoveryRequest request) {
        if (!request.hasNode() || request.getNode().getId().isEmpty()) {
            fail(Status.INVALID_ARGUMENT.withDescription("the first request on a stream must carry node.id"));
            return false;
        }
        try {
            proxy = NodeIdentity.proxyOf(request.getNode());
        } catch (IllegalArgumentException e) {
            log.warn("rejecting ADS stream from {}: {}", peer, e.getMessage());
            fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
            return false;
        }
        id = proxy.id().isEmpty() ? proxy.nodeId() + "-" + IDS.incrementAndGet() : proxy.id() + "-" + IDS.incrementAndGet();
        generators = Generators.forProxy(proxy);
        // Registered before the first response reads the push snapshot, so no push can slip between the two.
        server.register(this);
        registered = true;
        log.info("new connection for node:{} {} from {}", proxy.nodeId(), id, peer);
        return true;
    }

    private void pushNow(PushRequest request) {
        if (closed || proxy == null) {
            return;
        }
        if (!stream.isReady()) {
            pendingPush = request.merge(pendingPush);
            return;
        }
        PushContext push = server.pushContext();
        for (XdsType type : XdsType.PUSH_ORDER) {
            if (!request.full() && type != XdsType.EDS) {
                continue;
            }
            if (watched.containsKey(type)) {
                respond(type, push, true);
            }
        }
        server.recordConvergence(request);
    }

    private void flushPendingPush() {
        if (pendingPush != null && stream.isReady()) {
            PushRequest request = pendingPush;
            pendingPush = null;
            pushNow(request);
        }
    }

    /**
     * Generates and sends one type for the current subscription. A push whose content equals what was last
     * sent is skipped: the client already has it (or rejected it, and must not get it again).
     */
    private void respond(XdsType type, PushContext push, boolean isPush) {
        WatchedResource watch = watched.get(type);
        XdsGenerator generator = generators.get(type.typeUrl);
        if (watch == null || generator == null) {
            return;
        }
        long started = System.nanoTime();
        List<XdsResource> resources;
        try {
            resources = generator.generate(proxy, push, watch.names());
        } catch (RuntimeException e) {
            log.error("{}: generating {} failed for push {}; nothing sent", id, type, push.version(), e);
            return;
        }
        List<String> names = new ArrayList<>(resources.size());
        List<Any> anys = new ArrayList<>(resources.size());
        for (XdsResource r : resources) {
            names.add(r.name());
            anys.add(Any.pack(r.resource()));
        }
        String version = ResourceVersion.of(names, anys);
        if (isPush && version.equals(watch.versionSent())) {
            return;
        }
        String nonce = UUID.randomUUID().toString();
        DiscoveryResponse response = DiscoveryResponse.newBuilder()
                .setTypeUrl(type.typeUrl)
                .setVersionInfo(version)
                .setNonce(nonce)
                .addAllResources(anys)
                .setControlPlane(ControlPlane.newBuilder().setIdentifier(server.identifier()))
                .build();
        try {
            stream.onNext(response);
        } catch (RuntimeException e) {
            // The stream was cancelled under us; the cancel handler closes the connection.
            log.debug("{}: send failed: {}", id, e.toString());
            return;
        }
        watched.put(type, watch.sent(nonce, version, clock.instant(), resources.size()));
        server.recordSent(type, response, started);
        log.debug("{}: {} {} resources={} version={} nonce={}", id, isPush ? "PUSH" : "RESP", type, resources.size(), version, nonce);
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
