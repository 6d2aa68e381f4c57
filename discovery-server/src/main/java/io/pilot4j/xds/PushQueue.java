package io.pilot4j.xds;

import io.pilot4j.log.Scope;
import org.slf4j.Logger;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Istio's push queue and PILOT_PUSH_THROTTLE (pilot/pkg/xds/pushqueue.go, discovery.go doSendPushes): connections wait
 * here, in order, for one of {@code throttle} push slots; a connection is in the queue at most once, and a push for a
 * connection already waiting merges into its queued one. A slot is held while the connection generates and hands its
 * responses to gRPC, and freed when that is done, or at once when the client is not reading (the push then waits,
 * merged, on the connection): a stuck client never holds a slot.
 *
 * <p>Has no thread of its own: a push is handed to its connection by whoever frees a slot or queues a push while one
 * is free, so the queue runs on whatever executors the connections use, real or virtual.
 */
final class PushQueue implements AutoCloseable {
    private static final Logger log = Scope.ADS.logger();

    private final Map<Connection<?>, PushEvent> waiting = new LinkedHashMap<>();
    private int free;
    /** A thread is handing out pushes; others leave it to that one, so a slot freed inline does not recurse. */
    private boolean dispatching;
    private boolean closed;

    PushQueue(int throttle) {
        if (throttle < 1) {
            throw new IllegalArgumentException("push throttle must be at least 1, got " + throttle);
        }
        this.free = throttle;
    }

    /** Queues a push for a connection, or merges it into the one already waiting. */
    void enqueue(Connection<?> connection, PushEvent event) {
        synchronized (this) {
            if (closed) {
                return;
            }
            waiting.merge(connection, event, PushEvent::merge);
        }
        dispatch();
    }

    /** Connections waiting for a slot. */
    synchronized int size() {
        return waiting.size();
    }

    private void release() {
        synchronized (this) {
            free++;
        }
        dispatch();
    }

    /** Hands waiting pushes to their connections while slots are free; outside the lock, as a push may release at once. */
    private void dispatch() {
        synchronized (this) {
            if (dispatching) {
                return;
            }
            dispatching = true;
        }
        while (true) {
            Map.Entry<Connection<?>, PushEvent> next;
            synchronized (this) {
                if (closed || free == 0 || waiting.isEmpty()) {
                    dispatching = false;
                    return;
                }
                Iterator<Map.Entry<Connection<?>, PushEvent>> first = waiting.entrySet().iterator();
                next = first.next();
                first.remove();
                free--;
            }
            try {
                next.getKey().push(next.getValue(), this::release);
            } catch (RuntimeException e) {
                log.error("push to {} not started", next.getKey().id(), e);
                synchronized (this) {
                    free++;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        waiting.clear();
    }
}
