package io.pilot4j.xds;

import io.pilot4j.translate.ResourceNames;

import java.time.Instant;

/**
 * What one connection subscribed to for one type, and where the exchange stands: last response sent,
 * last ACK, last NACK. Immutable; the connection replaces it on every change so debug readers on other
 * threads always see a consistent record.
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
        Nack lastNack) {

    /** A rejected response as the client reported it. */
    record Nack(String nonce, String versionInfo, int code, String message, Instant at) {
    }

    static WatchedResource subscribe(XdsType type, ResourceNames names) {
        return new WatchedResource(type, names, "", "", null, 0, "", "", null);
    }

    WatchedResource withNames(ResourceNames newNames) {
        return new WatchedResource(type, newNames, nonceSent, versionSent, lastSent, resourcesSent, nonceAcked, versionAcked, lastNack);
    }

    WatchedResource sent(String nonce, String version, Instant at, int count) {
        return new WatchedResource(type, names, nonce, version, at, count, nonceAcked, versionAcked, lastNack);
    }

    WatchedResource acked(String nonce, String version) {
        return new WatchedResource(type, names, nonceSent, versionSent, lastSent, resourcesSent, nonce, version, lastNack);
    }

    WatchedResource nacked(Nack nack) {
        return new WatchedResource(type, names, nonceSent, versionSent, lastSent, resourcesSent, nonceAcked, versionAcked, nack);
    }
}
