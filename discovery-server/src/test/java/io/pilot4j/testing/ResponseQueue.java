package io.pilot4j.testing;

import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The response side of a test's ADS stream: what the server sends, in arrival order, so a test can tell what the
 * server sent between two of its own requests.
 */
final class ResponseQueue<T> implements StreamObserver<T> {
    private static final String COMPLETED = "completed";

    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final Class<T> type;

    ResponseQueue(Class<T> type) {
        this.type = type;
    }

    @Override
    public void onNext(T value) {
        received.add(value);
    }

    @Override
    public void onError(Throwable t) {
        received.add(t);
    }

    @Override
    public void onCompleted() {
        received.add(COMPLETED);
    }

    /** The next response; fails on timeout, stream error or completion. */
    T next(Duration timeout) {
        Object o;
        try {
            o = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (o == null) {
            throw new AssertionError("no response within " + timeout.toMillis() + " ms");
        }
        if (o instanceof Throwable t) {
            throw new AssertionError("stream failed: " + t, t);
        }
        if (o instanceof String s) {
            throw new AssertionError("stream " + s);
        }
        return type.cast(o);
    }

    /** The error the stream ended with, if it ends within the timeout. */
    Throwable error(Duration timeout) throws InterruptedException {
        Object o = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return o instanceof Throwable t ? t : null;
    }
}
