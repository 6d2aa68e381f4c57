package io.pilot4j.xds;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.ResourceNames;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * A state-of-the-world ADS stream: every response carries all the resources of its type the client watches, except
 * an endpoint push, which carries only the assignments that changed (the xDS spec lets EDS responses be partial;
 * Envoy and gRPC keep the assignments a response leaves out, and Istio sends the same).
 */
final class SotwConnection extends Connection<DiscoveryResponse> {

    SotwConnection(DiscoveryServer server, ServerCallStreamObserver<DiscoveryResponse> stream, Executor pool, Clock clock, String peer) {
        super(server, stream, pool, clock, peer);
    }

    @Override
    String protocol() {
        return "sotw";
    }

    /**
     * @param names the request's resource_names as the server-wide table holds them, the request then carrying none;
     *              or null, the request carrying them
     */
    void onRequest(DiscoveryRequest request, RequestNamesTable.Names names) {
        execute(() -> handle(request, names));
    }

    private void handle(DiscoveryRequest request, RequestNamesTable.Names names) {
        XdsType type = accept(request.getNode(), request.getTypeUrl());
        if (type == null) {
            return;
        }
        WatchedResource previous = watch(type);
        ResourceNames requested = names != null ? names.subscription(wildcardAllowed(type))
                : RequestClassifier.requested(previous, request.getResourceNamesList(), wildcardAllowed(type));
        RequestClassifier.Outcome outcome = RequestClassifier.classify(type, previous, request, requested, clock.instant());
        update(type, outcome.watch());
        recordDecision(type, outcome.decision(), request.getResponseNonce(), request.getVersionInfo(), request.getErrorDetail().getMessage());
        if (outcome.decision().respond) {
            respond(type, server.pushContext(), false, null);
        }
    }

    @Override
    void pushType(XdsType type, PushContext newest, PushEvent event) {
        WatchedResource watch = watch(type);
        Set<String> endpoints = event.scope().endpoints();
        if (type == XdsType.EDS && endpoints != null && watch.heldAsOf() >= 0) {
            // The client holds every assignment as of snapshot heldAsOf; the push's scope names what changed between
            // that and the push's own snapshot (pushes merge, none is skipped), so those assignments, taken from the
            // push's snapshot, bring it to that snapshot. From a newer one they would not: what it changed beyond the
            // scope would stay unsent while the version said otherwise. A push no newer than what the client holds
            // has nothing to add.
            if (event.push().sequence() > watch.heldAsOf()) {
                respond(type, event.push(), true, endpoints);
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
    private void respond(XdsType type, PushContext push, boolean isPush, Set<String> endpoints) {
        long started = server.nanoTime();
        WatchedResource watch = watch(type);
        Generation generated = generate(type, watch, push);
        if (generated == null) {
            return;
        }
        WatchedResource next = watch.sharing(generated.key().names());
        String version = generated.version();
        if (isPush && version.equals(next.versionSent())) {
            update(type, next.holding(push.sequence()));
            return;
        }
        Generation sent = endpoints == null ? generated : generated.endpointsOf(endpoints);
        if (sent.resources().isEmpty() && endpoints != null) {
            // None of the changed services is subscribed: the client's assignments are already this snapshot's.
            update(type, next.holding(push.sequence()));
            return;
        }
        String nonce = newNonce();
        DiscoveryResponse response = sent.sotwResponse(controlPlane(), nonce);
        if (!send(type, response, sent.bytes(), started)) {
            return;
        }
        int count = sent.resources().size();
        update(type, next.sent(nonce, version, clock.instant(), count, push.sequence()));
        log.debug("{}: {} {} resources={} version={} nonce={}", id(), isPush ? "PUSH" : "RESP", type, count, version, nonce);
        if (type == XdsType.CDS && isPush) {
            rewarmEndpoints();
        }
    }

    /**
     * Envoy warms every cluster it is sent, new or changed, until that cluster's endpoints arrive, and it asks for
     * them again with the names it already had, which reads as an ACK (Istio answers it through AlwaysRespond).
     * Forgetting what the endpoints watch was sent makes the EDS step that follows CDS in every full push send them
     * again.
     */
    private void rewarmEndpoints() {
        WatchedResource eds = watch(XdsType.EDS);
        if (eds != null) {
            update(XdsType.EDS, eds.resend());
        }
    }
}
