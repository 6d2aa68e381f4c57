package io.pilot4j.load.raw;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.pilot4j.load.xds.XdsType;

import java.util.EnumSet;
import java.util.Set;

/**
 * What the floor's SotW and delta streams share: the outgoing side, pushes held while the client is not reading
 * (sent when it drains, as {@link #flush}), and the end of the stream, however it comes.
 */
abstract class FloorStream<Q> implements StreamObserver<Q> {
    protected final FloorServer server;
    protected final ServerCallStreamObserver<byte[]> out;
    // Guarded by this: requests arrive on gRPC's threads, pushes on the watch thread.
    /** Types with a push not sent because the client was not reading. */
    protected final Set<XdsType> pending = EnumSet.noneOf(XdsType.class);
    protected boolean closed;

    FloorStream(FloorServer server, ServerCallStreamObserver<byte[]> out) {
        this.server = server;
        this.out = out;
        out.setOnReadyHandler(this::flush);
        out.setOnCancelHandler(this::end);
    }

    /** The client drained: send what {@link #pending} holds. */
    protected abstract void flush();

    protected final void write(byte[] bytes) {
        try {
            out.onNext(bytes);
            server.sent(bytes.length);
        } catch (RuntimeException e) {
            end();
        }
    }

    @Override
    public final void onError(Throwable t) {
        end();
    }

    @Override
    public final void onCompleted() {
        synchronized (this) {
            if (!closed) {
                try {
                    out.onCompleted();
                } catch (RuntimeException ignored) {
                    // Already gone.
                }
            }
        }
        end();
    }

    protected final synchronized void end() {
        closed = true;
        server.remove(this);
    }
}
