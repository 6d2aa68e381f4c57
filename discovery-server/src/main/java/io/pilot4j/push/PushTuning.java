package io.pilot4j.push;

import java.time.Duration;
import java.util.Objects;

/**
 * Istio's push tuning (pilot/pkg/features/tuning.go), as the push pipeline takes it.
 *
 * @param debounceAfter        PILOT_DEBOUNCE_AFTER: a push waits until changes have paused this long
 * @param debounceMax          PILOT_DEBOUNCE_MAX: and never longer than this after the first change it carries
 * @param pushThrottle         PILOT_PUSH_THROTTLE: connections being pushed at once
 * @param maxRequestsPerSecond PILOT_MAX_REQUESTS_PER_SECOND: new ADS streams admitted per second
 * @param sendBudgetBytes      pilot4j's own: response bytes handed to gRPC and not yet taken by the sockets, server-wide,
 *                             beyond which connections wait (Istio's Go server blocks in Send instead)
 */
public record PushTuning(Duration debounceAfter, Duration debounceMax, int pushThrottle, double maxRequestsPerSecond, long sendBudgetBytes) {
    public static final Duration DEFAULT_DEBOUNCE_AFTER = Duration.ofMillis(100);
    public static final Duration DEFAULT_DEBOUNCE_MAX = Duration.ofSeconds(10);

    public PushTuning {
        Objects.requireNonNull(debounceAfter, "debounceAfter");
        Objects.requireNonNull(debounceMax, "debounceMax");
        if (pushThrottle < 1) {
            throw new IllegalArgumentException("push throttle must be at least 1, got " + pushThrottle);
        }
        if (!(maxRequestsPerSecond > 0)) {
            throw new IllegalArgumentException("requests per second must be above 0, got " + maxRequestsPerSecond);
        }
        if (sendBudgetBytes < 1) {
            throw new IllegalArgumentException("send budget must be at least 1 byte, got " + sendBudgetBytes);
        }
    }

    /** With the default send budget. */
    public PushTuning(Duration debounceAfter, Duration debounceMax, int pushThrottle, double maxRequestsPerSecond) {
        this(debounceAfter, debounceMax, pushThrottle, maxRequestsPerSecond, defaultSendBudget());
    }

    /**
     * A quarter of the JVM's direct memory limit (by default the heap's maximum), at least 8 MiB: gRPC's buffers
     * share that limit with everything else Netty allocates.
     */
    public static long defaultSendBudget() {
        return Math.max(8L << 20, io.grpc.netty.shaded.io.netty.util.internal.PlatformDependent.maxDirectMemory() / 4);
    }

    /** Istio's defaults on this machine. */
    public static PushTuning defaults() {
        return debounce(DEFAULT_DEBOUNCE_AFTER, DEFAULT_DEBOUNCE_MAX);
    }

    /** These debounce settings, and Istio's default limits on this machine. */
    public static PushTuning debounce(Duration after, Duration max) {
        return new PushTuning(after, max, scaledToCores(), scaledToCores());
    }

    /**
     * Istio's default for both limits since 1.21, when its variable is unset or 0: 15 + 5 per core, at most 100
     * (20 on one core, 25 on two, 35 on four).
     */
    public static int scaledToCores() {
        return Math.min(15 + 5 * Runtime.getRuntime().availableProcessors(), 100);
    }
}
