package io.pilot4j.push;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The time and the threads of the push pipeline, passed in rather than made inside it, so that a test can run it on
 * one virtual time (grpc-java's FakeClock): the wall clock and a monotonic ticker that must tell the same time as
 * {@code timer}, the timer (debounce, stream admission, the send budget's forgiveness), where pushes run, and where
 * connections do their work.
 *
 * @param clock       wall time: push versions, convergence, the instants shown in /debug
 * @param ticker      monotonic nanoseconds, as {@link System#nanoTime()}: durations and rate limits
 * @param timer       delayed and periodic tasks; short ones only
 * @param pusher      where the debouncer runs a push (one at a time)
 * @param connections where each connection's serial executor runs its tasks
 */
public record PushRuntime(Clock clock, LongSupplier ticker, ScheduledExecutorService timer, Executor pusher, Executor connections,
                          List<ExecutorService> owned) implements AutoCloseable {
    public PushRuntime {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(timer, "timer");
        Objects.requireNonNull(pusher, "pusher");
        Objects.requireNonNull(connections, "connections");
        owned = List.copyOf(owned);
    }

    /** Real time and daemon threads: one timer, one push thread, and a connection pool of one thread per core (at least two). */
    public static PushRuntime system(Clock clock) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(named("push-timer"));
        ExecutorService pusher = Executors.newSingleThreadExecutor(named("push"));
        AtomicInteger n = new AtomicInteger();
        ExecutorService connections = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "xds-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        return new PushRuntime(clock, System::nanoTime, timer, pusher, connections, List.of(timer, pusher, connections));
    }

    /**
     * Stops the threads this runtime made (those it was given are the giver's): the timer and push threads at once,
     * the connection pool once the tasks it holds are done, so streams being completed still send their last frames.
     */
    @Override
    public void close() {
        for (ExecutorService e : owned) {
            if (e == connections) {
                e.shutdown();
            } else {
                e.shutdownNow();
            }
        }
    }

    private static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
