package io.pilot4j.xds;

import java.util.ArrayList;
import java.util.List;

/**
 * A server-wide bound on response bytes handed to gRPC and not yet taken by the clients' sockets. grpc-java never
 * blocks a send: a response goes whole into Netty's direct buffers, and a stream only reports unready once more than
 * 32 KiB wait. Thousands of clients connecting at once would each be handed a full set of config (a megabyte for a
 * thousand services) before the first is read, and the direct memory they need can exceed the JVM's limit (measured:
 * 2,000 clients, 512 MiB, OutOfMemoryError). So a connection counts what it sends until its stream is ready again, and
 * while the total is over the budget, connections start no new task: they park, and are woken together once the total
 * has fallen to three quarters of the budget.
 *
 * <p>Bytes of a stream that stays unready (a client that stopped reading) are forgiven after a while by the
 * connection ({@link Connection#forgiveStuckBytes}): that memory is held either way, and a few stuck clients must not
 * stall everyone else.
 */
final class SendBudget {
    private final long limit;
    private long used;
    private final List<Runnable> parked = new ArrayList<>();

    SendBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("send budget must be at least 1 byte, got " + limit);
        }
        this.limit = limit;
    }

    /** Whether a connection may start a task now; if not, {@code resume} runs once the budget has room again. */
    synchronized boolean admit(Runnable resume) {
        if (used < limit) {
            return true;
        }
        parked.add(resume);
        return false;
    }

    synchronized void acquire(long bytes) {
        used += bytes;
    }

    void release(long bytes) {
        List<Runnable> wake;
        synchronized (this) {
            used -= bytes;
            if (parked.isEmpty() || used > limit - limit / 4) {
                return;
            }
            wake = new ArrayList<>(parked);
            parked.clear();
        }
        wake.forEach(Runnable::run);
    }

    synchronized long used() {
        return used;
    }

    synchronized int parked() {
        return parked.size();
    }

    long limit() {
        return limit;
    }
}
