package io.pilot4j.xds;

import io.pilot4j.log.Scope;
import org.slf4j.Logger;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * Istio's push queue and PILOT_PUSH_THROTTLE (pilot/pkg/xds/pushqueue.go, discovery.go doSendPushes): connections wait
 * here, in order, for one of {@code throttle} push slots; a connection is in the queue at most once, and a push for a
 * connection already waiting merges into its queued one. A slot is held while the connection generates and hands its
 * responses to gRPC, and freed when that is done, or at once when the client is not reading (the push then waits,
 * merged, on the connection): a stuck client never holds a slot.
 */
final class PushQueue implements AutoCloseable {
    private static final Logger log = Scope.ADS.logger();

    private final Semaphore slots;
    private final Map<Connection<?>, PushEvent> waiting = new LinkedHashMap<>();
    private final Thread sender;
    private boolean closed;

    PushQueue(int throttle) {
        if (throttle < 1) {
            throw new IllegalArgumentException("push throttle must be at least 1, got " + throttle);
        }
        this.slots = new Semaphore(throttle);
        this.sender = new Thread(this::sendPushes, "push-queue");
        sender.setDaemon(true);
        sender.start();
    }

    /** Queues a push for a connection, or merges it into the one already waiting. */
    synchronized void enqueue(Connection<?> connection, PushEvent event) {
        if (closed) {
            return;
        }
        waiting.merge(connection, event, PushEvent::merge);
        notifyAll();
    }

    /** Connections waiting for a slot. */
    synchronized int size() {
        return waiting.size();
    }

    private void sendPushes() {
        try {
            while (true) {
                slots.acquire();
                Map.Entry<Connection<?>, PushEvent> next = take();
                if (next == null) {
                    return;
                }
                try {
                    next.getKey().push(next.getValue(), slots::release);
                } catch (RuntimeException e) {
                    slots.release();
                    log.error("push to {} not started", next.getKey().id(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized Map.Entry<Connection<?>, PushEvent> take() throws InterruptedException {
        while (waiting.isEmpty() && !closed) {
            wait();
        }
        if (closed) {
            return null;
        }
        Iterator<Map.Entry<Connection<?>, PushEvent>> first = waiting.entrySet().iterator();
        Map.Entry<Connection<?>, PushEvent> next = first.next();
        first.remove();
        return Map.entry(next.getKey(), next.getValue());
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            waiting.clear();
            notifyAll();
        }
        sender.interrupt();
    }
}
