package io.pilot4j.load.raw;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.pilot4j.load.xds.XdsType;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One delta (incremental) stream of the floor server. Per type it keeps the subscription: wildcard (CDS and LDS
 * when the first request names nothing, or "*") or the names subscribed. Newly subscribed resources are sent at
 * once; a snapshot's changes go to every stream subscribed to them, as the snapshot's shared bytes when the
 * stream is subscribed to the whole type. ACKs need no answer; NACKs are counted.
 */
final class DeltaStream extends FloorStream<DeltaDiscoveryRequest> {
    // Guarded by this.
    private final Map<XdsType, Boolean> wildcard = new EnumMap<>(XdsType.class);
    private final Map<XdsType, Set<String>> subscribed = new EnumMap<>(XdsType.class);
    private int nonces;

    DeltaStream(FloorServer server, ServerCallStreamObserver<byte[]> out) {
        super(server, out);
    }

    @Override
    public synchronized void onNext(DeltaDiscoveryRequest request) {
        XdsType type = XdsType.of(request.getTypeUrl());
        if (closed || type == null) {
            return;
        }
        if (request.hasErrorDetail()) {
            server.nack(type, request.getErrorDetail().getMessage());
            return;
        }
        Set<String> names = subscribed.computeIfAbsent(type, t -> new HashSet<>());
        boolean first = !wildcard.containsKey(type);
        boolean becomesWildcard = type.wildcard && (first && request.getResourceNamesSubscribeCount() == 0
                || request.getResourceNamesSubscribeList().contains("*"));
        List<String> added = new ArrayList<>();
        for (String n : request.getResourceNamesSubscribeList()) {
            if (!n.equals("*") && names.add(n)) {
                added.add(n);
            }
        }
        request.getResourceNamesUnsubscribeList().forEach(names::remove);
        if (request.getResourceNamesUnsubscribeList().contains("*")) {
            wildcard.put(type, false);
        }
        FloorSnapshot snapshot = server.snapshot();
        if (becomesWildcard && !wildcard.getOrDefault(type, false)) {
            wildcard.put(type, true);
            write(snapshot.deltaAll(type));
        } else {
            wildcard.putIfAbsent(type, false);
            if (!added.isEmpty()) {
                write(snapshot.isWhole(type, added) ? snapshot.deltaAll(type) : snapshot.delta(type, added, nonce(snapshot)));
            }
        }
    }

    synchronized void push(XdsType type, FloorSnapshot snapshot) {
        if (closed || !wildcard.containsKey(type)) {
            return;
        }
        if (!out.isReady() || pending.contains(type)) {
            pending.add(type);
            return;
        }
        if (wildcard.get(type) || subscribed.get(type).size() == snapshot.size(type)) {
            write(snapshot.deltaChanges(type));
        } else {
            // A partial subscription: resend what it holds of the type. Rare here (the workload's clients subscribe
            // to everything), so simple beats exact.
            write(snapshot.delta(type, subscribed.get(type), nonce(snapshot)));
        }
    }

    @Override
    protected synchronized void flush() {
        if (closed || pending.isEmpty() || !out.isReady()) {
            return;
        }
        FloorSnapshot snapshot = server.snapshot();
        for (XdsType type : EnumSet.copyOf(pending)) {
            pending.remove(type);
            write(wildcard.get(type) ? snapshot.deltaAll(type) : snapshot.delta(type, subscribed.get(type), nonce(snapshot)));
        }
    }

    private String nonce(FloorSnapshot snapshot) {
        return snapshot.nonce() + "-" + (++nonces);
    }

}
