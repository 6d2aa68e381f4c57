package io.pilot4j.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.XdsResource;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/** A state-of-the-world ADS stream: every response carries all the resources of its type the client watches. */
final class SotwConnection extends Connection<DiscoveryResponse> {

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
            respond(type, server.pushContext(), false);
        }
    }

    @Override
    void pushType(XdsType type, PushContext push) {
        respond(type, push, true);
    }

    /**
     * Generates and sends one type for the current subscription. A push whose content equals what was last
     * sent is skipped: the client already has it (or rejected it, and must not get it again).
     */
    private void respond(XdsType type, PushContext push, boolean isPush) {
        long started = System.nanoTime();
        WatchedResource watch = watched.get(type);
        List<XdsResource> resources = generate(type, watch, push);
        if (resources == null) {
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
        String nonce = newNonce();
        DiscoveryResponse response = DiscoveryResponse.newBuilder()
                .setTypeUrl(type.typeUrl)
                .setVersionInfo(version)
                .setNonce(nonce)
                .addAllResources(anys)
                .setControlPlane(controlPlane())
                .build();
        if (!send(type, response, sizeOf(anys), started)) {
            return;
        }
        watched.put(type, watch.sent(nonce, version, clock.instant(), resources.size()));
        log.debug("{}: {} {} resources={} version={} nonce={}", id(), isPush ? "PUSH" : "RESP", type, resources.size(), version, nonce);
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
