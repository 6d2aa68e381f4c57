package io.pilot4j.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Virtual time for code that schedules on a {@link ScheduledExecutorService} and reads a {@link Clock}, after grpc-java's
 * io.grpc.internal.FakeClock: nothing runs until the test moves time or drains the due tasks, so a test states what
 * happens at 100 ms instead of hoping a machine is fast enough. Tasks run on the calling thread, in order of due time
 * and, at the same time, of submission. Unlike {@link MovableClock} time stands still between calls.
 *
 * <p>A task passed to {@code execute} that throws fails the call that ran it, as it would end a real executor's thread,
 * so an assertion inside it is not lost; {@code schedule} and {@code submit} keep a failure in the future they return.
 */
public final class FakeClock {
    private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");

    private final PriorityQueue<Task<?>> tasks = new PriorityQueue<>();
    private final Scheduler scheduler = new Scheduler();
    private final Clock clock = new View();
    private long nowNanos;
    private long submitted;

    /** An executor whose tasks, immediate or delayed, run only in {@link #forwardTime} and {@link #runDueTasks}. */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** The same virtual time as {@link #scheduler()}. */
    public Clock clock() {
        return clock;
    }

    /**
     * Moves time forward to each pending task's due time in turn and runs it, tasks it schedules included, so that a
     * task reading the clock sees the time it was due at; then to {@code now + by}.
     *
     * @return how many tasks ran
     */
    public int forwardTime(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + by);
        }
        long target;
        synchronized (this) {
            target = nowNanos + by.toNanos();
        }
        int ran = 0;
        for (Task<?> next; (next = takeDue(target)) != null; ran++) {
            next.run();
            next.rethrowIfUnwatched();
        }
        synchronized (this) {
            // A task may itself have moved time further.
            nowNanos = Math.max(nowNanos, target);
        }
        return ran;
    }

    /** Runs the tasks due now, those they schedule for now included, without moving time. */
    public int runDueTasks() {
        return forwardTime(Duration.ZERO);
    }

    /** Tasks scheduled and neither run nor cancelled, due or not. */
    public synchronized int pendingTasks() {
        tasks.removeIf(Task::isCancelled);
        return tasks.size();
    }

    /** The same virtual time as monotonic nanoseconds, as {@link System#nanoTime()} tells real time. */
    public java.util.function.LongSupplier ticker() {
        return () -> {
            synchronized (this) {
                return nowNanos;
            }
        };
    }

    /** Virtual time since this fake was made. */
    public synchronized Duration elapsed() {
        return Duration.ofNanos(nowNanos);
    }

    private synchronized Task<?> takeDue(long target) {
        tasks.removeIf(Task::isCancelled);
        Task<?> next = tasks.peek();
        if (next == null || next.dueNanos > target) {
            return null;
        }
        nowNanos = Math.max(nowNanos, next.dueNanos);
        return tasks.poll();
    }

    private synchronized <V> Task<V> add(Task<V> task) {
        if (scheduler.shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        tasks.add(task);
        return task;
    }

    private synchronized long dueIn(long delay, TimeUnit unit) {
        return nowNanos + Math.max(0, unit.toNanos(delay));
    }

    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        final long dueNanos;
        final long sequence;
        // Nobody holds a future for an execute()d task, so its failure would vanish.
        private final boolean unwatched;
        private Throwable failure;

        Task(Callable<V> callable, long dueNanos, boolean unwatched) {
            super(callable);
            this.dueNanos = dueNanos;
            this.unwatched = unwatched;
            synchronized (FakeClock.this) {
                this.sequence = submitted++;
            }
        }

        @Override
        protected void setException(Throwable t) {
            failure = t;
            super.setException(t);
        }

        void rethrowIfUnwatched() {
            if (!unwatched || failure == null) {
                return;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("task failed", failure);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            synchronized (FakeClock.this) {
                return unit.convert(dueNanos - nowNanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public int compareTo(Delayed other) {
            Task<?> that = (Task<?>) other;
            int byTime = Long.compare(dueNanos, that.dueNanos);
            return byTime != 0 ? byTime : Long.compare(sequence, that.sequence);
        }
    }

    private final class Scheduler extends AbstractExecutorService implements ScheduledExecutorService {
        volatile boolean shutdown;

        @Override
        public void execute(Runnable command) {
            add(new Task<>(Executors.callable(command, null), dueIn(0, TimeUnit.NANOSECONDS), true));
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return add(new Task<>(Executors.callable(command, null), dueIn(delay, unit), false));
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            return add(new Task<>(callable, dueIn(delay, unit), false));
        }

        // Nothing under test repeats at a fixed rate; a fake that half-implements it would pass tests it should fail.
        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            throw new UnsupportedOperationException("fixed-rate tasks");
        }

        /** Runs {@code command} at {@code initialDelay}, then {@code delay} after each run ends, until cancelled. */
        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
            if (delay <= 0) {
                throw new IllegalArgumentException("delay must be positive: " + delay);
            }
            Repeating r = new Repeating(command, unit.toNanos(delay));
            r.next(dueIn(initialDelay, unit));
            return r;
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            synchronized (FakeClock.this) {
                List<Runnable> never = new ArrayList<>(tasks);
                tasks.clear();
                return never;
            }
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown && pendingTasks() == 0;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            // Nothing runs by itself, so waiting cannot change the answer.
            return isTerminated();
        }
    }

    /** A fixed-delay task: each run schedules the next one, as a real scheduler does, so cancelling stops it. */
    private final class Repeating implements ScheduledFuture<Object> {
        private final Runnable command;
        private final long delayNanos;
        private volatile Task<Object> current;
        private volatile boolean cancelled;

        Repeating(Runnable command, long delayNanos) {
            this.command = command;
            this.delayNanos = delayNanos;
        }

        void next(long dueNanos) {
            current = add(new Task<>(Executors.callable(this::runOnce, null), dueNanos, true));
        }

        private void runOnce() {
            if (cancelled) {
                return;
            }
            command.run();
            if (!cancelled && !scheduler.shutdown) {
                next(dueIn(delayNanos, TimeUnit.NANOSECONDS));
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            cancelled = true;
            return current.cancel(mayInterruptIfRunning);
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("a periodic task has no result");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("a periodic task has no result");
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return current.getDelay(unit);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }

    private final class View extends Clock {
        @Override
        public Instant instant() {
            synchronized (FakeClock.this) {
                return START.plusNanos(nowNanos);
            }
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("UTC only");
        }
    }
}
