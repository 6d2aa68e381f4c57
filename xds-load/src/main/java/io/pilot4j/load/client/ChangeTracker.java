package io.pilot4j.load.client;

import io.pilot4j.load.xds.ResourceDecoder.ClaView;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Endpoint changes awaited by the fleet: for each, the clients whose EDS already holds the new address. Clients
 * report every assignment they receive for a cluster with a pending change; the change is done when every client
 * has reported it.
 */
public final class ChangeTracker {
    private final int clients;
    private final Map<String, List<Watch>> pending = new ConcurrentHashMap<>();

    public ChangeTracker(int clients) {
        this.clients = clients;
    }

    /** One awaited change. Times are {@link System#nanoTime()}. */
    public final class Watch {
        private final String cluster;
        private final String address;
        private final long startNanos;
        private final BitSet reached = new BitSet();
        private final CountDownLatch done = new CountDownLatch(1);
        private long firstNanos;
        private long lastNanos;

        private Watch(String cluster, String address, long startNanos) {
            this.cluster = cluster;
            this.address = address;
            this.startNanos = startNanos;
        }

        private void reach(int client, long now) {
            boolean complete;
            synchronized (this) {
                if (reached.get(client)) {
                    return;
                }
                reached.set(client);
                firstNanos = firstNanos == 0 ? now : Math.min(firstNanos, now);
                lastNanos = Math.max(lastNanos, now);
                complete = reached.cardinality() == clients;
            }
            if (complete) {
                List<Watch> list = pending.get(cluster);
                if (list != null) {
                    list.remove(this);
                }
                done.countDown();
            }
        }

        public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
            return done.await(timeout, unit);
        }

        public boolean complete() {
            return done.getCount() == 0;
        }

        public synchronized int reachedCount() {
            return reached.cardinality();
        }

        /** From the change to the last client holding it; -1 while some client does not. */
        public synchronized long nanosToAll() {
            return complete() ? lastNanos - startNanos : -1;
        }

        /** From the change to the first client holding it; -1 while none does. */
        public synchronized long nanosToFirst() {
            return reached.isEmpty() ? -1 : firstNanos - startNanos;
        }

        public long startNanos() {
            return startNanos;
        }

        public synchronized long lastNanos() {
            return lastNanos;
        }

        /** Stops waiting: a timed-out change no longer costs the clients a look. */
        public void abandon() {
            List<Watch> list = pending.get(cluster);
            if (list != null) {
                list.remove(this);
            }
        }
    }

    /** Registers a change before it is made, so no client can see it first. */
    public Watch expect(String cluster, String address, long startNanos) {
        Watch w = new Watch(cluster, address, startNanos);
        pending.computeIfAbsent(cluster, c -> new CopyOnWriteArrayList<>()).add(w);
        return w;
    }

    /** Called by a client for every endpoint assignment it takes in. */
    public void observe(int client, ClaView cla, long now) {
        if (pending.isEmpty()) {
            return;
        }
        List<Watch> watches = pending.get(cla.name());
        if (watches == null || watches.isEmpty()) {
            return;
        }
        for (Watch w : watches) {
            if (cla.holds(w.address)) {
                w.reach(client, now);
            }
        }
    }
}
