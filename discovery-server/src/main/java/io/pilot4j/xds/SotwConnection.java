package io.pilot4j.xds;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.ServerCallStreamObserver;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * A state-of-the-world ADS stream: every response carries all the resources of its type the client watches, except
 * an endpoint push, which carries only the assignments that changed (the xDS spec lets EDS responses be partial;
 * Envoy and gRPC keep the assignments a response leaves out, and Istio sends the same).
 */
final class SotwConnection extends Connection<DiscoveryResponse> {
    /** The snapshot whose assignments the client holds all of (as far as its subscription goes); on the executor. */
    private long endpointsSequence = -1;

    SotwConnection(DiscoveryServer server, ServerCallStreamObserver<DiscoveryResponse> stream, Executor pool, Clock clock, String peer) {
        super(server, stream, pool, clock, peer);
    }

    @Override
    String protocol() {
        return "sotw";
    }

    void onRequest(DiscoveryRequest request) {
        execute(() -> handle(request));
    }

    private void handle(DiscoveryRequest request) {
        XdsType type = accept(request.getNode(), request.getTypeUrl());
        if (type == null) {
            return;
        }
        RequestClassifier.Outcome outcome = RequestClassifier.classify(type, watched.get(type), request, wildcardAllowed(type), clock.instant());
        update(type, outcome.watch());
        recordDecision(type, outcome.decision(), request.getResponseNonce(), request.getVersionInfo(), request.getErrorDetail().getMessage());
        if (outcome.decision().respond) {
            respond(type, server.snapshot(), false, null);
        }
    }

    @Override
    void pushType(XdsType type, PushSnapshot newest, PushEvent event) {
        WatchedResource watch = watched.get(type);
        Set<String> endpoints = event.scope().endpoints();
        // An empty version sent means the client must get everything again (a first answer, or re-warming).
        if (type == XdsType.EDS && endpoints != null && !watch.versionSent().isEmpty()) {
            // The client holds every assignment as of snapshot endpointsSequence; the push's scope names what changed
            // between that and the push's own snapshot (pushes merge, none is skipped), so those assignments, taken
            // from the push's snapshot, bring it to that snapshot. From a newer one they would not: what it changed
            // beyond the scope would stay unsent while the version said otherwise. A push no newer than what the
            // client holds has nothing to add.
            if (event.snapshot().sequence() > endpointsSequence) {
                respond(type, event.snapshot(), true, endpoints);
            }
            return;
        }
        respond(type, newest, true, null);
    }

    /**
     * Sends one type for the current subscription. A push whose content equals what was last sent is skipped: the
     * client already has it (or rejected it, and must not get it again).
     *
     * @param endpoints for an endpoint push to a client that holds the subscription's assignments, the services whose
     *                  assignments changed: only those are sent, under the version of the whole subscription; null
     *                  sends the whole subscription
     */
    private void respond(XdsType type, PushSnapshot snapshot, boolean isPush, Set<String> endpoints) {
        long started = server.nanoTime();
        WatchedResource watch = watched.get(type);
        Generation generated = generate(type, watch, snapshot.push());
        if (generated == null) {
            return;
        }
        watch = watched.get(type);
        String version = generated.version();
        if (isPush && version.equals(watch.versionSent())) {
            if (type == XdsType.EDS) {
                endpointsSequence = Math.max(endpointsSequence, snapshot.sequence());
            }
            return;
        }
        Generation sent = endpoints == null ? generated : generated.endpointsOf(endpoints);
        if (sent.resources().isEmpty() && endpoints != null) {
            // None of the changed services is subscribed: the client's assignments are already this snapshot's.
            endpointsSequence = Math.max(endpointsSequence, snapshot.sequence());
            return;
        }
        String nonce = newNonce();
        DiscoveryResponse response = sent.sotwResponse(controlPlane(), nonce);
        if (!send(type, response, sent.bytes(), started)) {
            return;
        }
        int count = sent.resources().size();
        watched.put(type, watch.sent(nonce, version, clock.instant(), count));
        if (type == XdsType.EDS) {
            endpointsSequence = snapshot.sequence();
        }
        log.debug("{}: {} {} resources={} version={} nonce={}", id(), isPush ? "PUSH" : "RESP", type, count, version, nonce);
        if (type == XdsType.CDS && isPush) {
            rewarmEndpoints();
        }
    }

    /**
     * Envoy warms every cluster it is sent, new or changed, until that cluster's endpoints arrive, and it asks for
     * them again with the names it already had, which reads as an ACK (Istio answers it through AlwaysRespond).
     * Forgetting the endpoints version sent makes the EDS step that follows CDS in every full push send them again.
     */
    private void rewarmEndpoints() {
        WatchedResource eds = watched.get(XdsType.EDS);
        if (eds != null) {
            watched.put(XdsType.EDS, eds.sent(eds.nonceSent(), "", eds.lastSent(), eds.resourcesSent()));
        }
    }
}
