package io.pilot4j.load.client;

import io.pilot4j.load.xds.XdsType;

import java.util.BitSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** What the fleet measures: when each client became ready, traffic, NACKs, stream failures. Thread-safe. */
public final class Observations {
    private final BitSet expectedClusters;
    private final AtomicLongArray readyNanos;
    private final AtomicInteger readyCount = new AtomicInteger();
    private final CountDownLatch allReady;
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder[] responses = new LongAdder[XdsType.values().length];
    private final LongAdder nacks = new LongAdder();
    private final LongAdder streamFailures = new LongAdder();
    private volatile String lastNack = "";
    private volatile String lastFailure = "";
    private volatile boolean unimplemented;

    Observations(int clients, BitSet expectedClusters) {
        this.expectedClusters = expectedClusters;
        this.readyNanos = new AtomicLongArray(clients);
        this.allReady = new CountDownLatch(clients);
        for (int i = 0; i < responses.length; i++) {
            responses[i] = new LongAdder();
        }
    }

    BitSet expectedClusters() {
        return expectedClusters;
    }

    void ready(int client, long now) {
        if (readyNanos.compareAndSet(client, 0, now)) {
            readyCount.incrementAndGet();
            allReady.countDown();
        }
    }

    void received(XdsType type, long bytes) {
        bytesReceived.add(bytes);
        if (type != null) {
            responses[type.ordinal()].increment();
        }
    }

    void sent(long bytes) {
        bytesSent.add(bytes);
    }

    void nack(String message) {
        nacks.increment();
        lastNack = message;
    }

    void streamFailed(Throwable why) {
        streamFailures.increment();
        lastFailure = why.toString();
        if (io.grpc.Status.fromThrowable(why).getCode() == io.grpc.Status.Code.UNIMPLEMENTED) {
            unimplemented = true;
        }
    }

    /** Some stream was answered UNIMPLEMENTED: the server does not serve this flavour of ADS. */
    public boolean unimplemented() {
        return unimplemented;
    }

    public boolean awaitAllReady(long timeout, TimeUnit unit) throws InterruptedException {
        return allReady.await(timeout, unit);
    }

    public int readyCount() {
        return readyCount.get();
    }

    /** When each client became ready ({@link System#nanoTime()}), 0 for those that did not. */
    public long[] readyNanos() {
        long[] out = new long[readyNanos.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = readyNanos.get(i);
        }
        return out;
    }

    public long bytesReceived() {
        return bytesReceived.sum();
    }

    public long bytesSent() {
        return bytesSent.sum();
    }

    public long responses(XdsType type) {
        return responses[type.ordinal()].sum();
    }

    public long nacks() {
        return nacks.sum();
    }

    public String lastNack() {
        return lastNack;
    }

    public long streamFailures() {
        return streamFailures.sum();
    }

    public String lastFailure() {
        return lastFailure;
    }
}
