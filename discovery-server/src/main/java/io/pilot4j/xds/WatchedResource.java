package io.pilot4j.xds;

import io.pilot4j.translate.ResourceNames;

import java.time.Instant;
import java.util.Map;

/**
 * What one connection subscribed to for one type, and where the exchange stands: last response sent,
 * last ACK, last NACK. Immutable; the connection replaces it on every change so debug readers on other
 * threads always see a consistent record.
 *
 * @param names            what the client watches; on a delta stream the wildcard and explicit names can both be set
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
        ResourceVersions resourceVersions) {

    WatchedResource {
        resourceVersions = resourceVersions == null ? ResourceVersions.EMPTY : resourceVersions;
    }

    /** A rejected response as the client reported it. */
    record Nack(String nonce, String versionInfo, int code, String message, Instant at) {
    }

    static WatchedResource subscribe(XdsType type, ResourceNames names) {
        return new WatchedResource(type, names, "", "", null, 0, "", "", null, ResourceVersions.EMPTY);
    }

    WatchedResource withNames(ResourceNames newNames) {
        return new WatchedResource(type, newNames, nonceSent, versionSent, lastSent, resourcesSent, nonceAcked, versionAcked, lastNack,
                resourceVersions);
    }

    WatchedResource sent(String nonce, String version, Instant at, int count) {
        return new WatchedResource(type, names, nonce, version, at, count, nonceAcked, versionAcked, lastNack, resourceVersions);
    }

    WatchedResource acked(String nonce, String version) {
        return new WatchedResource(type, names, nonceSent, versionSent, lastSent, resourcesSent, nonce, version, lastNack,
                resourceVersions);
    }

    WatchedResource nacked(Nack nack) {
        return new WatchedResource(type, names, nonceSent, versionSent, lastSent, resourcesSent, nonceAcked, versionAcked, nack,
                resourceVersions);
    }

    WatchedResource withResourceVersions(Map<String, String> versions) {
        return new WatchedResource(type, names, nonceSent, versionSent, lastSent, resourcesSent, nonceAcked, versionAcked, lastNack,
                ResourceVersions.of(versions));
    }
}
