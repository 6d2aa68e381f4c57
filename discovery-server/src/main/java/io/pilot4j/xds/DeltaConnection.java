package io.pilot4j.xds;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.stub.ServerCallStreamObserver;
import io.pilot4j.model.PushContext;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;

/**
 * A delta (incremental) ADS stream, Envoy's DELTA_GRPC: a response carries only the resources whose version differs
 * from what the client holds, and in removed_resources the names it holds (or just asked for) that do not exist.
 * The same generators as state of the world, run for the whole subscription and compared resource by resource
 * against {@link WatchedResource#resourceVersions()}.
 */
final class DeltaConnection extends Connection<DeltaDiscoveryResponse> {

    DeltaConnection(DiscoveryServer server, ServerCallStreamObserver<DeltaDiscoveryResponse> stream, Executor pool, Clock clock, String peer) {
        super(server, stream, pool, clock, peer);
    }

    @Override
    String protocol() {
        return "delta";
    }

    void onRequest(DeltaDiscoveryRequest request) {
        execute(() -> handle(request));
    }

    private void handle(DeltaDiscoveryRequest request) {
        XdsType type = accept(request.getNode(), request.getTypeUrl());
        if (type == null) {
            return;
        }
        WatchedResource previous = watch(type);
        DeltaRequestClassifier.Outcome outcome = DeltaRequestClassifier.classify(type, previous, request, wildcardAllowed(type), clock.instant());
        update(type, outcome.watch());
        recordDecision(type, outcome.decision(), request.getResponseNonce(), previous == null ? "" : previous.versionAcked(),
                request.getErrorDetail().getMessage());
        if (outcome.respond()) {
            respond(type, server.pushContext(), outcome.requested(), false, null);
        }
    }

    @Override
    void pushType(XdsType type, PushContext newest, PushEvent event) {
        // From the newest snapshot: a delta response is compared resource by resource with what the client holds, so
        // what the newer snapshot changed beyond this push's scope is sent by the pushes that carry it.
        respond(type, newest, Set.of(), true, event.scope().endpoints());
    }

    /**
     * Sends what the client lacks of one type. A push that changes nothing the client holds sends nothing; an
     * answer to a request is sent even when empty, so a client waiting on it (Envoy's initial fetch) moves on.
     *
     * @param requested names the client just subscribed to: one that does not exist goes in removed_resources
     * @param endpoints for an endpoint push, the services whose assignments changed: only those are compared, and
     *                  none is removed (a subscribed cluster name always has an assignment, empty or not)
     */
    private void respond(XdsType type, PushContext push, Set<String> requested, boolean isPush, Set<String> endpoints) {
        long started = server.nanoTime();
        WatchedResource watch = watch(type);
        Generation generated = generate(type, watch, push);
        if (generated == null) {
            return;
        }
        WatchedResource next = watch.sharing(generated.key().names());
        boolean partial = isPush && type == XdsType.EDS && endpoints != null;
        ResourceVersions held = next.resourceVersions();
        Map<String, String> updates = new HashMap<>();
        List<Resource> changed = new ArrayList<>();
        long bytes = 0;
        for (PackedResource r : partial ? generated.endpointsOf(endpoints).resources() : generated.resources()) {
            if (!r.version().equals(held.get(r.name()))) {
                changed.add(r.deltaResource());
                updates.put(r.name(), r.version());
                bytes += r.size();
            }
        }
        Set<String> removed = new TreeSet<>();
        if (!partial) {
            Set<String> existing = generated.names();
            for (String name : held.keySet()) {
                if (!existing.contains(name)) {
                    removed.add(name);
                }
            }
            for (String name : requested) {
                if (!existing.contains(name)) {
                    removed.add(name);
                }
            }
        }
        if (isPush && changed.isEmpty() && removed.isEmpty()) {
            update(type, partial ? next : next.holding(push.sequence()));
            return;
        }
        ResourceVersions versions = held.with(updates, removed);
        String version = versions.digest();
        String nonce = newNonce();
        DeltaDiscoveryResponse response = DeltaDiscoveryResponse.newBuilder()
                .setTypeUrl(type.typeUrl)
                .setSystemVersionInfo(version)
                .setNonce(nonce)
                .addAllResources(changed)
                .addAllRemovedResources(removed)
                .setControlPlane(controlPlane())
                .build();
        if (!send(type, response, bytes, started)) {
            return;
        }
        // Compared whole, the subscription is held as of this snapshot; compared in part, as of what it was.
        update(type, next.sent(nonce, version, clock.instant(), changed.size(), partial ? next.heldAsOf() : push.sequence())
                .withResourceVersions(versions));
        log.debug("{}: {} {} resources={} removed={} version={} nonce={}", id(), isPush ? "PUSH" : "RESP", type, changed.size(),
                removed.size(), version, nonce);
        if (type == XdsType.CDS && !changed.isEmpty()) {
            rewarmEndpoints(changed, push);
        }
    }

    /**
     * Envoy warms a cluster it is sent, new or changed, until that cluster's endpoints arrive, and a delta client does
     * not ask for endpoints it already subscribes to (envoy#13009, envoy#33607; Istio pushes EDS after every CDS
     * request for this). So the assignments of the clusters just sent are forgotten as held and go out again. EDS
     * names are cluster names in every generator; a new cluster is not subscribed yet and is answered when it is.
     */
    private void rewarmEndpoints(List<Resource> clusters, PushContext push) {
        WatchedResource eds = watch(XdsType.EDS);
        if (eds == null) {
            return;
        }
        List<String> forgotten = new ArrayList<>();
        for (Resource c : clusters) {
            if (eds.resourceVersions().containsKey(c.getName())) {
                forgotten.add(c.getName());
            }
        }
        if (!forgotten.isEmpty()) {
            update(XdsType.EDS, eds.withResourceVersions(eds.resourceVersions().with(Map.of(), forgotten)));
            respond(XdsType.EDS, push, Set.of(), true, null);
        }
    }
}
