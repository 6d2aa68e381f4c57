package io.pilot4j.xds;

import io.pilot4j.model.PushContext;
import io.pilot4j.model.PushRequest;

/**
 * A push as one connection receives it: what to push ({@link PushScope}), why ({@link PushRequest}, for the trigger
 * and convergence metrics), and the snapshot it was made for. Pushes that wait for the same connection, in the push
 * queue or for a client that stopped reading, merge into one, so a connection never has more than one of each
 * waiting; the merged push is made for the newest of their snapshots, and its scope covers what changed in all of
 * them.
 *
 * @param push   what the push was made for: a partial endpoint push sends this snapshot's assignments of the
 *               services its scope names
 * @param merged how many pushes this one stands for, for /debug/syncz
 */
record PushEvent(PushScope scope, PushRequest request, PushContext push, int merged) {

    PushEvent(PushScope scope, PushRequest request, PushContext push) {
        this(scope, request, push, 1);
    }

    PushEvent merge(PushEvent other) {
        if (other == null) {
            return this;
        }
        PushContext newest = push.sequence() >= other.push.sequence() ? push : other.push;
        return new PushEvent(scope.merge(other.scope), request.merge(other.request), newest, merged + other.merged);
    }
}
