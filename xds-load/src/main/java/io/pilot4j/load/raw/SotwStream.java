package io.pilot4j.load.raw;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.pilot4j.load.xds.XdsType;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * One state-of-the-world stream of the floor server. It keeps only what it must: per type the names asked for
 * and the nonce last sent. A request carrying that nonce is an ACK (the floor does not act on the names an ACK
 * repeats); any other nonce, or none, is answered. When the client stops reading, pushes wait (latest wins) and
 * go out when it drains.
 */
final class SotwStream extends FloorStream<DiscoveryRequest> {
    // Guarded by this.
    private final Map<XdsType, List<String>> names = new EnumMap<>(XdsType.class);
    private final Map<XdsType, String> nonces = new EnumMap<>(XdsType.class);
    /** Per type, whether the names asked for are exactly every resource: then the shared response fits. */
    private final Map<XdsType, Boolean> whole = new EnumMap<>(XdsType.class);

    SotwStream(FloorServer server, ServerCallStreamObserver<byte[]> out) {
        super(server, out);
    }

    @Override
    public synchronized void onNext(DiscoveryRequest request) {
        XdsType type = XdsType.of(request.getTypeUrl());
        if (closed || type == null) {
            return;
        }
        if (request.hasErrorDetail()) {
            server.nack(type, request.getErrorDetail().getMessage());
            return;
        }
        String nonce = request.getResponseNonce();
        String sent = nonces.get(type);
        // Comparing a thousand names on every ACK would cost the floor what it is meant not to spend: a changed
        // count is the only change this workload's clients make.
        boolean subscriptionChanged = request.getResourceNamesCount() != names.getOrDefault(type, List.of()).size();
        if (!nonce.isEmpty() && nonce.equals(sent) && !subscriptionChanged) {
            return;
        }
        if (!nonce.isEmpty() && sent != null && !nonce.equals(sent)) {
            return; // stale: a newer response is on its way
        }
        List<String> requested = List.copyOf(request.getResourceNamesList());
        FloorSnapshot snapshot = server.snapshot();
        names.put(type, requested);
        whole.put(type, snapshot.isWhole(type, requested));
        send(type, snapshot);
    }

    /** A new snapshot changed this type. */
    synchronized void push(XdsType type, FloorSnapshot snapshot) {
        if (closed || !names.containsKey(type)) {
            return;
        }
        if (!out.isReady()) {
            pending.add(type);
            return;
        }
        send(type, snapshot);
    }

    @Override
    protected synchronized void flush() {
        if (closed || pending.isEmpty() || !out.isReady()) {
            return;
        }
        FloorSnapshot snapshot = server.snapshot();
        for (XdsType type : EnumSet.copyOf(pending)) {
            send(type, snapshot);
        }
        pending.clear();
    }

    private void send(XdsType type, FloorSnapshot snapshot) {
        List<String> requested = names.get(type);
        if (requested.size() != snapshot.size(type) && !requested.isEmpty()) {
            whole.put(type, snapshot.isWhole(type, requested));
        }
        byte[] bytes = whole.get(type) ? snapshot.sotw(type) : snapshot.sotw(type, requested);
        nonces.put(type, snapshot.sotwNonce(type));
        pending.remove(type);
        write(bytes);
    }
}
