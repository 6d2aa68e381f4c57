package io.pilot4j.xds;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.pilot4j.translate.ResourceNames;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Decides what a state-of-the-world request means and whether it gets a response: Istio's ShouldRespond
 * (pkg/xds/server.go). The rules that matter: a NACK is recorded and never answered (answering it would
 * resend config the client just rejected); a response to a nonce we no longer hold is stale and ignored;
 * an ACK that also changes the subscription is answered.
 */
final class RequestClassifier {

    enum Decision {
        /** First request for a type on this stream, or a reconnect carrying a nonce we never sent. */
        INIT(true),
        /** Client accepted our last response; nothing changed. */
        ACK(false),
        /** Client accepted our last response and changed what it watches. */
        RESUBSCRIBE(true),
        /** Client accepted our last response and only dropped names: nothing new to send. */
        UNWATCH(false),
        /** Client rejected a response: record it, send nothing. */
        NACK(false),
        /** Client answered a nonce that a newer response superseded. */
        STALE(false),
        /** Client dropped every name of a non-wildcard type. */
        UNSUBSCRIBE(false);

        final boolean respond;

        Decision(boolean respond) {
            this.respond = respond;
        }
    }

    /** The decision and the watch state after it (null when unsubscribed). */
    record Outcome(Decision decision, WatchedResource watch) {
    }

    private RequestClassifier() {
    }

    /**
     * @param previous        this type's watch on the connection, or null
     * @param wildcardAllowed whether an empty name list means "everything" (Envoy's CDS/LDS), rather than "nothing"
     */
    static Outcome classify(XdsType type, WatchedResource previous, DiscoveryRequest request, boolean wildcardAllowed, Instant now) {
        return classify(type, previous, request, requested(previous, request.getResourceNamesList(), wildcardAllowed), now);
    }

    /** @param names what the request subscribes to ({@link #requested}) */
    static Outcome classify(XdsType type, WatchedResource previous, DiscoveryRequest request, ResourceNames names, Instant now) {
        if (request.hasErrorDetail()) {
            if (previous == null) {
                return new Outcome(Decision.NACK, null);
            }
            WatchedResource.Nack nack = new WatchedResource.Nack(request.getResponseNonce(), request.getVersionInfo(),
                    request.getErrorDetail().getCode(), request.getErrorDetail().getMessage(), now);
            return new Outcome(Decision.NACK, previous.nacked(nack));
        }
        if (!names.wildcard() && names.names().isEmpty()) {
            return new Outcome(Decision.UNSUBSCRIBE, null);
        }
        if (request.getResponseNonce().isEmpty() || previous == null) {
            return new Outcome(Decision.INIT, WatchedResource.subscribe(type, names));
        }
        if (!request.getResponseNonce().equals(previous.nonceSent())) {
            return new Outcome(Decision.STALE, previous);
        }
        WatchedResource acked = previous.acked(request.getResponseNonce(), request.getVersionInfo());
        if (names.equals(previous.names())) {
            return new Outcome(Decision.ACK, acked);
        }
        WatchedResource resubscribed = acked.withNames(names);
        if (names.wildcard() || !previous.names().wildcard() && !previous.names().names().containsAll(names.names())) {
            return new Outcome(Decision.RESUBSCRIBE, resubscribed);
        }
        return new Outcome(Decision.UNWATCH, resubscribed);
    }

    /**
     * What a request's names subscribe to. Every state-of-the-world ACK repeats the whole subscription (an EDS ACK
     * names every cluster): one that repeats it in the order the subscription keeps is recognised without building a
     * set.
     */
    static ResourceNames requested(WatchedResource previous, List<String> requested, boolean wildcardAllowed) {
        return previous != null && sameInOrder(requested, previous.names()) ? previous.names() : namesOf(requested, wildcardAllowed);
    }

    /** Whether the request lists exactly the subscription's names, in its (sorted) order. */
    private static boolean sameInOrder(List<String> requested, ResourceNames subscription) {
        if (subscription.wildcard() || requested.size() != subscription.names().size() || requested.isEmpty()) {
            return false;
        }
        Iterator<String> held = subscription.names().iterator();
        for (String name : requested) {
            if (!name.equals(held.next())) {
                return false;
            }
        }
        return true;
    }

    static ResourceNames namesOf(List<String> requested, boolean wildcardAllowed) {
        if (wildcardAllowed && (requested.isEmpty() || requested.contains("*"))) {
            return ResourceNames.all();
        }
        if (!requested.contains("*")) {
            return ResourceNames.of(requested);
        }
        List<String> explicit = new ArrayList<>(requested);
        explicit.removeAll(Set.of("*"));
        return ResourceNames.of(explicit);
    }
}
