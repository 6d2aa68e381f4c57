package io.pilot4j.load.client;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The callbacks of one stream of a simulated proxy, tagged with the stream's generation: a proxy reconnects on a
 * new stream, and the old one's late callbacks must be told apart from the new one's.
 */
record StreamGeneration<T>(int generation, Handler<T> handler) implements StreamObserver<T> {

    interface Handler<T> {
        void onResponse(int generation, T response);

        void onStreamEnd(int generation, Throwable cause);
    }

    @Override
    public void onNext(T response) {
        handler.onResponse(generation, response);
    }

    @Override
    public void onError(Throwable t) {
        handler.onStreamEnd(generation, t);
    }

    @Override
    public void onCompleted() {
        handler.onStreamEnd(generation, Status.UNAVAILABLE.withDescription("server completed the stream").asRuntimeException());
    }
}
