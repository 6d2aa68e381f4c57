package io.pilot4j.xds;

import io.pilot4j.translate.ResourceNames;

import java.time.Instant;
import java.util.Map;

/**
 * What one connection subscribed to for one type, and where the exchange stands: last response sent, last ACK,
 * last NACK, and what the client holds. Immutable, one per type of a {@link ClientState}.
 *
 * @param names            what the client watches; on a delta stream the wildcard and explicit names can both be set
 * @param heldAsOf         the {@link io.pilot4j.model.PushContext#sequence() sequence} of the snapshot as of which the
 *                         client holds every resource of its subscription; -1 before the first response, and while the
 *                         client must get everything again (Envoy re-warming its endpoints). An endpoint push sends
 *                         only what changed since then.
 * @param resourceVersions delta only: name to version of every resource the client holds as far as the server knows
 *                         (what it declared in initial_resource_versions, then what it was sent), so a resource is
 *                         sent again only when its version changes. Empty on a state-of-the-world stream.
 */
record WatchedResource(
        XdsType type,
        ResourceNames names,
        String nonceSent,
        String versionSent,
        Instant lastSent,
        int resourcesSent,
        String nonceAcked,
        String versionAcked,
        Nack lastNack,
        long heldAsOf,
        ResourceVersions resourceVersions) {

    WatchedResource {
        resourceVersions = resourceVersions == null ? ResourceVersions.EMPTY : resourceVersions;
    }

    /** A rejected response as the client reported it. */
    record Nack(String nonce, String versionInfo, int code, String message, Instant at) {
    }

    static WatchedResource subscribe(XdsType type, ResourceNames names) {
        return new WatchedResource(type, names, "", "", null, 0, "", "", null, -1, ResourceVersions.EMPTY);
    }

    WatchedResource withNames(ResourceNames newNames) {
        return new WatchedResource(type, newNames, nonceSent, versionSent, lastSent, resourcesSent, nonceAcked, versionAcked, lastNack,
                heldAsOf, resourceVersions);
    }

    /**
     * This watch naming the generation's set of names, equal to its own: connections of a view with equal
     * subscriptions then hold one set between them (an EDS subscription names every cluster), and the cache finds it
     * by identity.
     */
    WatchedResource sharing(ResourceNames shared) {
        return shared == names ? this : withNames(shared);
    }

    /** A response went out: the whole subscription as of snapshot {@code sequence}. */
    WatchedResource sent(String nonce, String version, Instant at, int count, long sequence) {
        return new WatchedResource(type, names, nonce, version, at, count, nonceAcked, versionAcked, lastNack, sequence,
                resourceVersions);
    }

    /** Nothing needed sending: the client already holds what snapshot {@code sequence} has for it. */
    WatchedResource holding(long sequence) {
        return sequence <= heldAsOf ? this : new WatchedResource(type, names, nonceSent, versionSent, lastSent, resourcesSent, nonceAcked,
                versionAcked, lastNack, sequence, resourceVersions);
    }

    /** The client must get everything again, whatever was last sent. */
    WatchedResource resend() {
        return new WatchedResource(type, names, nonceSent, "", lastSent, resourcesSent, nonceAcked, versionAcked, lastNack, -1,
                resourceVersions);
    }

    WatchedResource acked(String nonce, String version) {
        return new WatchedResource(type, names, nonceSent, versionSent, lastSent, resourcesSent, nonce, version, lastNack, heldAsOf,
                resourceVersions);
    }

    WatchedResource nacked(Nack nack) {
        return new WatchedResource(type, names, nonceSent, versionSent, lastSent, resourcesSent, nonceAcked, versionAcked, nack, heldAsOf,
                resourceVersions);
    }

    WatchedResource withResourceVersions(Map<String, String> versions) {
        return new WatchedResource(type, names, nonceSent, versionSent, lastSent, resourcesSent, nonceAcked, versionAcked, lastNack,
                heldAsOf, ResourceVersions.of(versions));
    }
}
