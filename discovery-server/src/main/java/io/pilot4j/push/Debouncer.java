package io.pilot4j.push;

import io.pilot4j.log.Scope;
import io.pilot4j.model.PushRequest;
import org.slf4j.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Istio's debounce (pilot/pkg/xds/discovery.go): merges push requests until the registries have been quiet
 * for {@code debounceAfter}, or until {@code debounceMax} has passed since the first unpushed change, and
 * keeps at most one push in flight; changes that arrive during a push wait for the next one.
 */
public final class Debouncer implements AutoCloseable {
    private static final Logger log = Scope.ADS.logger();

    private final Duration debounceAfter;
    private final Duration debounceMax;
    private final Consumer<PushRequest> push;
    private final Consumer<Duration> debounced;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Executor pusher;
    // Only threads the debouncer made itself are its to stop; injected ones belong to whoever passed them in.

    // Guarded by this.
    private PushRequest pending;
    private Instant firstChange;
    private Instant lastChange;
    private int merged;
    private boolean timerArmed;
    private boolean pushing;
    private boolean closed;

    /**
     * On the caller's timer and push executor, which {@link #close()} leaves running. {@code clock} and {@code timer}
     * must tell the same time: the debouncer schedules on one and measures quiet periods on the other.
     *
     * @param pusher where pushes run; it need not be serial, as the debouncer hands it a push only after the previous one returned
     */
    public Debouncer(Duration debounceAfter, Duration debounceMax, Consumer<PushRequest> push, Clock clock, Consumer<Duration> debounced,
                     ScheduledExecutorService timer, Executor pusher) {
        if (debounceAfter.isNegative() || debounceMax.compareTo(debounceAfter) < 0) {
            throw new IllegalArgumentException("want 0 <= debounceAfter (" + debounceAfter + ") <= debounceMax (" + debounceMax + ")");
        }
        this.debounceAfter = debounceAfter;
        this.debounceMax = debounceMax;
        this.push = Objects.requireNonNull(push, "push");
        this.debounced = Objects.requireNonNull(debounced, "debounced");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.pusher = Objects.requireNonNull(pusher, "pusher");
    }

    public synchronized void enqueue(PushRequest request) {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        pending = request.merge(pending);
        merged++;
        lastChange = now;
        if (firstChange == null) {
            firstChange = now;
        }
        armTimer(debounceAfter);
    }

    private synchronized void armTimer(Duration delay) {
        if (timerArmed || closed) {
            return;
        }
        timerArmed = true;
        timer.schedule(this::check, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    private synchronized void check() {
        timerArmed = false;
        if (pending == null || pushing || closed) {
            // A running push re-checks when it finishes.
            return;
        }
        Instant now = clock.instant();
        Duration quiet = Duration.between(lastChange, now);
        Duration sinceFirst = Duration.between(firstChange, now);
        if (quiet.compareTo(debounceAfter) < 0 && sinceFirst.compareTo(debounceMax) < 0) {
            Duration untilQuiet = debounceAfter.minus(quiet);
            Duration untilMax = debounceMax.minus(sinceFirst);
            armTimer(untilQuiet.compareTo(untilMax) < 0 ? untilQuiet : untilMax);
            return;
        }
        PushRequest request = pending;
        Instant started = firstChange;
        log.debug("push debounce stable[{}] for {} full={}: {} since last change, {} since first",
                merged, request.configsUpdated().size(), request.full(), quiet.toMillis() + "ms", sinceFirst.toMillis() + "ms");
        pending = null;
        firstChange = null;
        lastChange = null;
        merged = 0;
        pushing = true;
        pusher.execute(() -> runPush(request, started));
    }

    private void runPush(PushRequest request, Instant started) {
        try {
            push.accept(request);
            debounced.accept(Duration.between(started, clock.instant()));
        } catch (RuntimeException e) {
            log.error("push failed; the next change will retry", e);
        } finally {
            synchronized (this) {
                pushing = false;
                if (pending != null) {
                    armTimer(Duration.ZERO);
                }
            }
        }
    }

    /** Drops what is pending; the executors are the caller's. */
    @Override
    public synchronized void close() {
        closed = true;
    }
}
