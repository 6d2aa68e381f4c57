package io.pilot4j.xds;

import io.pilot4j.model.PushRequest;

/**
 * A push as one connection receives it: what to push ({@link PushScope}) and why ({@link PushRequest}, for the
 * trigger and convergence metrics). Pushes that wait for the same connection, in the push queue or for a client that
 * stopped reading, merge into one, so a connection never has more than one of each waiting.
 *
 * @param merged how many pushes this one stands for, for /debug/syncz
 */
record PushEvent(PushScope scope, PushRequest request, int merged) {

    PushEvent(PushScope scope, PushRequest request) {
        this(scope, request, 1);
    }

    PushEvent merge(PushEvent other) {
        if (other == null) {
            return this;
        }
        return new PushEvent(scope.merge(other.scope), request.merge(other.request), merged + other.merged);
    }
}
