package io.pilot4j.xds;

import io.pilot4j.model.Proxy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A connected proxy as /debug/syncz shows it: who it is and, per xDS type, what was sent, what was
 * acknowledged and the last rejection.
 *
 * @param connectionId Istio's conID: proxy id plus a counter
 * @param stream       "sotw" (state of the world) or "delta"
 * @param types        keyed by short type name: CDS, EDS, LDS, RDS
 * @param pendingPush  the push waiting for the client to read again (it stopped reading), or null
 */
public record SyncStatus(String connectionId, Proxy proxy, String peer, Instant connectedAt, String stream, Map<String, TypeStatus> types,
                         PendingPush pendingPush) {

    /**
     * Pushes that arrived while the client was not reading, merged into one.
     *
     * @param merged how many pushes it stands for
     * @param types  the types it will push, in push order
     */
    public record PendingPush(int merged, List<String> types) {
    }

    /**
     * @param wildcard     subscribed to everything of the type
     * @param names        subscribed names (state of the world: empty when wildcard; delta: the explicit ones)
     * @param versionSent  version_info of the last response
     * @param nonceSent    nonce of the last response
     * @param lastSent     when the last response went out
     * @param resourcesSent how many resources the last response carried
     * @param versionAcked version the client last acknowledged
     * @param nonceAcked   nonce the client last acknowledged
     * @param lastNack     the last rejection, or null
     * @param resourceVersions delta: how many resources the client holds, each at a version the server tracks; 0 for sotw
     */
    public record TypeStatus(boolean wildcard, Set<String> names, String versionSent, String nonceSent, Instant lastSent,
                             int resourcesSent, String versionAcked, String nonceAcked, Nack lastNack, int resourceVersions) {
    }

    /** A rejected response: its nonce, the version the client kept, and the client's message. */
    public record Nack(String nonce, String versionInfo, int code, String message, Instant at) {
    }

    static SyncStatus of(Connection<?> c) {
        Map<String, TypeStatus> types = new java.util.LinkedHashMap<>();
        c.watched().forEach((type, w) -> types.put(type.name(), new TypeStatus(
                w.names().wildcard(), w.names().names(), w.versionSent(), w.nonceSent(), w.lastSent(), w.resourcesSent(),
                w.versionAcked(), w.nonceAcked(),
                w.lastNack() == null ? null : new Nack(w.lastNack().nonce(), w.lastNack().versionInfo(), w.lastNack().code(),
                        w.lastNack().message(), w.lastNack().at()), w.resourceVersions().size())));
        PushEvent pending = c.pendingPush();
        PendingPush pendingPush = null;
        if (pending != null) {
            List<String> pushed = new ArrayList<>();
            for (XdsType t : XdsType.PUSH_ORDER) {
                if (pending.scope().types().contains(t)) {
                    pushed.add(t.name());
                }
            }
            pendingPush = new PendingPush(pending.merged(), pushed);
        }
        return new SyncStatus(c.id(), c.proxy(), c.peer(), c.connectedAt(), c.protocol(), types, pendingPush);
    }
}
