package io.pilot4j.xds;

import java.util.function.LongSupplier;

/**
 * Istio's RequestRateLimit (PILOT_MAX_REQUESTS_PER_SECOND): new ADS streams are admitted at most this many per second,
 * a token bucket holding one token (Go's rate.NewLimiter(limit, 1)), so a fleet reconnecting at once, after a restart
 * or a rollout, does not make the server generate everything for everyone in the same second. A stream waits up to
 * {@link #MAX_WAIT_NANOS} for its turn; one that would wait longer is refused at once, and its client retries with
 * backoff, in the best case on another replica.
 */
final class RequestRateLimit {
    /** Istio's WaitForRequestLimit timeout. */
    static final long MAX_WAIT_NANOS = 1_000_000_000L;

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private long nextFree;
    private boolean started;

    RequestRateLimit(double perSecond, LongSupplier nanoTime) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("requests per second must be above 0, got " + perSecond);
        }
        this.intervalNanos = (long) Math.ceil(1e9 / perSecond);
        this.nanoTime = nanoTime;
    }

    /**
     * Takes the next turn: how many nanoseconds the new stream must wait for it (0: admitted now), or -1 when that is
     * more than {@link #MAX_WAIT_NANOS}, in which case no turn is taken.
     */
    synchronized long reserve() {
        long now = nanoTime.getAsLong();
        long start = !started || now - nextFree > 0 ? now : nextFree;
        long wait = start - now;
        if (wait > MAX_WAIT_NANOS) {
            return -1;
        }
        started = true;
        nextFree = start + intervalNanos;
        return wait;
    }
}
