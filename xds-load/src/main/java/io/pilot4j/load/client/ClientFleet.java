package io.pilot4j.load.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.pilot4j.load.xds.Decode;
import io.pilot4j.load.xds.NameTable;
import io.pilot4j.load.xds.ResourceDecoder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N simulated sidecars on few threads: one Netty event loop group for all sockets and one small pool that runs
 * every stream's callbacks (decoding, ACKs). Each client has its own connection by default, as each Envoy has
 * its own to istiod, so per-connection costs on the server (HTTP/2 state, socket buffers, flow-control windows)
 * are exercised; {@code clientsPerConnection} > 1 multiplexes streams when sockets run short.
 */
public final class ClientFleet implements AutoCloseable {
    /** Settings of a fleet. */
    public record Options(String target, int clients, Mode mode, Decode decode, String namespace,
                          int clientsPerConnection, int ioThreads, int workerThreads, long reconnectDelayMillis) {
    }

    /** Which ADS flavour the clients speak. */
    public enum Mode { SOTW, DELTA }

    private final EventLoopGroup eventLoop;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<SimulatedProxy> clients = new ArrayList<>();
    private final Observations observations;
    private final ChangeTracker changes;
    private long startNanos;

    public ClientFleet(Options options, List<String> expectedClusters) {
        NameTable names = new NameTable();
        this.observations = new Observations(options.clients(), names.indexes(expectedClusters));
        this.changes = new ChangeTracker(options.clients());
        this.eventLoop = new NioEventLoopGroup(options.ioThreads(), daemon("xds-load-io"));
        this.workers = Executors.newFixedThreadPool(options.workerThreads(), daemon("xds-load-client"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("xds-load-timer"));
        ClientContext ctx = new ClientContext(names, new ResourceDecoder(options.decode()), observations, changes, timer,
                options.reconnectDelayMillis());
        ManagedChannel channel = null;
        for (int i = 0; i < options.clients(); i++) {
            if (i % options.clientsPerConnection() == 0) {
                channel = NettyChannelBuilder.forTarget(options.target())
                        .negotiationType(NegotiationType.PLAINTEXT)
                        .eventLoopGroup(eventLoop)
                        .channelType(NioSocketChannel.class)
                        .executor(workers)
                        .offloadExecutor(workers)
                        // Large meshes make large responses; Envoy has no such limit.
                        .maxInboundMessageSize(Integer.MAX_VALUE)
                        .build();
                channels.add(channel);
            }
            var node = ClientContext.node(i, options.namespace());
            clients.add(options.mode() == Mode.SOTW ? new SotwClient(i, node, channel, ctx) : new DeltaClient(i, node, channel, ctx));
        }
    }

    /** Opens every client's stream; initial convergence is timed from here. */
    public void start() {
        startNanos = System.nanoTime();
        for (SimulatedProxy c : clients) {
            c.start();
        }
    }

    public long startNanos() {
        return startNanos;
    }

    public Observations observations() {
        return observations;
    }

    public ChangeTracker changes() {
        return changes;
    }

    @Override
    public void close() {
        for (SimulatedProxy c : clients) {
            c.close();
        }
        for (ManagedChannel ch : channels) {
            ch.shutdownNow();
        }
        for (ManagedChannel ch : channels) {
            try {
                ch.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        timer.shutdownNow();
        workers.shutdownNow();
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
