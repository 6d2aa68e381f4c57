package io.pilot4j.xds;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.xds.RequestClassifier.Decision;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides what a delta request means, how it changes the subscription, and whether it gets a response: Istio's
 * shouldRespondDelta and deltaWatchedResources (pilot/pkg/xds/delta.go) with the subscription rules of the xDS spec
 * ("Incremental xDS"). The same decisions as {@link RequestClassifier}, so NACKs and expired nonces are recorded
 * and counted alike, with three differences the protocol makes:
 * <ul>
 *   <li>A request changes the subscription by difference (subscribe, unsubscribe), and it does so whatever its
 *   nonce says: the spec asks servers to honour subscription changes on a NACK or a stale nonce too, where Istio
 *   drops a stale request whole. Newly subscribed names are answered even then; the rejected content is not sent
 *   again because its versions are what the client is recorded to hold.</li>
 *   <li>Wildcard (Envoy's CDS and LDS) is the name {@code *}, or, by the legacy rule, a first request that
 *   subscribes and unsubscribes nothing. It stays until {@code *} is unsubscribed; explicit names can sit next to it.
 *   An empty subscription after that is just empty, never wildcard again.</li>
 *   <li>The watch keeps what the client holds, name to version ({@link WatchedResource#resourceVersions()}): the
 *   first request's initial_resource_versions, then whatever was sent. A name the client subscribes to again is
 *   forgotten there, so it is sent again (the spec: the client may have dropped it); a name it unsubscribes is
 *   forgotten too, and sent again only if the wildcard still covers it (the spec's one exception).</li>
 * </ul>
 */
final class DeltaRequestClassifier {
    static final String WILDCARD = "*";

    /**
     * @param watch     the watch after the request; null only for a NACK before any watch
     * @param requested names the request subscribed to, to be answered: sent if they exist, in removed_resources if not
     * @param respond   whether to send a response now
     */
    record Outcome(Decision decision, WatchedResource watch, Set<String> requested, boolean respond) {
    }

    private DeltaRequestClassifier() {
    }

    /**
     * @param previous        this type's watch on the stream, or null before the stream's first request for the type
     * @param wildcardAllowed whether {@code *} and the legacy rule mean "everything" (Envoy's CDS/LDS); else {@code *} is ignored
     */
    static Outcome classify(XdsType type, WatchedResource previous, DeltaDiscoveryRequest request, boolean wildcardAllowed, Instant now) {
        if (previous == null) {
            return request.hasErrorDetail() ? new Outcome(Decision.NACK, null, Set.of(), false) : init(type, request, wildcardAllowed);
        }
        List<String> subscribe = request.getResourceNamesSubscribeList();
        List<String> unsubscribe = request.getResourceNamesUnsubscribeList();
        Set<String> added = explicit(subscribe);
        added.removeAll(unsubscribe);
        // Names never subscribed are phantom unsubscriptions, which the spec says to ignore.
        Set<String> dropped = explicit(unsubscribe);
        dropped.retainAll(previous.names().names());

        boolean wasWildcard = previous.names().wildcard();
        boolean wildcard = wildcardAllowed && !unsubscribe.contains(WILDCARD) && (wasWildcard || subscribe.contains(WILDCARD));
        boolean respond = !added.isEmpty() || wildcard && !wasWildcard || wildcard && !dropped.isEmpty();
        ResourceNames subscription = previous.names();
        WatchedResource watch = previous;
        // Most requests are ACKs that change nothing: they keep the subscription and holdings as they are, instead
        // of copying both per ACK (a thousand names on every endpoint push).
        if (!added.isEmpty() || !dropped.isEmpty() || wildcard != wasWildcard) {
            Set<String> names = new TreeSet<>(previous.names().names());
            names.addAll(added);
            names.removeAll(dropped);
            Map<String, String> versions = new HashMap<>(previous.resourceVersions());
            versions.keySet().removeAll(added);
            versions.keySet().removeAll(dropped);
            if (!wildcard) {
                versions.keySet().retainAll(names);
            }
            subscription = new ResourceNames(wildcard, names);
            watch = previous.withNames(subscription).withResourceVersions(versions);
        }

        String nonce = request.getResponseNonce();
        if (request.hasErrorDetail()) {
            WatchedResource.Nack nack = new WatchedResource.Nack(nonce, previous.versionAcked(),
                    request.getErrorDetail().getCode(), request.getErrorDetail().getMessage(), now);
            return new Outcome(Decision.NACK, watch.nacked(nack), added, respond);
        }
        if (!nonce.isEmpty() && !nonce.equals(previous.nonceSent())) {
            return new Outcome(Decision.STALE, watch, added, respond);
        }
        if (!nonce.isEmpty()) {
            // A delta ACK carries no version; the nonce names the response, whose version we know.
            watch = watch.acked(nonce, previous.versionSent());
        }
        Decision decision;
        if (respond) {
            decision = Decision.RESUBSCRIBE;
        } else if (subscription.equals(previous.names())) {
            decision = Decision.ACK;
        } else {
            decision = !wildcard && subscription.names().isEmpty() ? Decision.UNSUBSCRIBE : Decision.UNWATCH;
        }
        return new Outcome(decision, watch, added, respond);
    }

    /** The stream's first request for a type: a new client, or a reconnecting one telling what it holds. */
    private static Outcome init(XdsType type, DeltaDiscoveryRequest request, boolean wildcardAllowed) {
        List<String> subscribe = request.getResourceNamesSubscribeList();
        List<String> unsubscribe = request.getResourceNamesUnsubscribeList();
        boolean legacyWildcard = subscribe.isEmpty() && unsubscribe.isEmpty();
        // Subscribing and unsubscribing "*" together is how Istio's own clients ask for nothing yet.
        boolean wildcard = wildcardAllowed && !unsubscribe.contains(WILDCARD) && (legacyWildcard || subscribe.contains(WILDCARD));
        Set<String> names = explicit(subscribe);
        names.removeAll(explicit(unsubscribe));
        WatchedResource watch = WatchedResource.subscribe(type, new ResourceNames(wildcard, names))
                .withResourceVersions(request.getInitialResourceVersionsMap());
        return new Outcome(Decision.INIT, watch, names, true);
    }

    private static Set<String> explicit(List<String> names) {
        Set<String> out = new TreeSet<>(names);
        out.remove(WILDCARD);
        return out;
    }
}
