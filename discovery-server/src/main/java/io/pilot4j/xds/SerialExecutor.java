package io.pilot4j.xds;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on a shared executor. Each connection owns one, so its
 * state needs no locks (the confinement grpc-java's XdsClientImpl uses with its SynchronizationContext),
 * while thousands of connections share a few threads.
 *
 * <p>A {@link Gate} is asked before each task: when it says no, the executor pauses, keeping its tasks in order,
 * until the gate calls back.
 */
final class SerialExecutor implements Executor {
    /** Decides whether the next task may start; if not, calls {@code resume} when it may. */
    interface Gate {
        Gate OPEN = resume -> true;

        boolean admit(Runnable resume);
    }

    private final Executor delegate;
    private final Gate gate;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor delegate) {
        this(delegate, Gate.OPEN);
    }

    SerialExecutor(Executor delegate, Gate gate) {
        this.delegate = delegate;
        this.gate = gate;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        delegate.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (tasks) {
                if (tasks.isEmpty()) {
                    running = false;
                    return;
                }
            }
            // Still "running" while paused, so new tasks queue behind the waiting one instead of starting a drain.
            if (!gate.admit(() -> delegate.execute(this::drain))) {
                return;
            }
            synchronized (tasks) {
                next = tasks.poll();
            }
            try {
                next.run();
            } catch (Throwable e) {
                // A failing task, even one that ran out of (direct) memory, must not stop the tasks queued behind it:
                // the connection would never be served again.
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }
    }
}
