package io.pilot4j.load.raw;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.pilot4j.load.workload.Workload;
import io.pilot4j.load.xds.XdsType;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The floor: an ADS server (state of the world and delta) for a workload directory that serialises each
 * response once per change and writes the same bytes to every stream. Whatever a real control plane does
 * beyond that (generating per proxy, packing, hashing) shows as its distance from this server in the same run.
 */
public final class FloorServer implements AutoCloseable {
    private final Set<SotwStream> sotw = ConcurrentHashMap.newKeySet();
    private final Set<DeltaStream> delta = ConcurrentHashMap.newKeySet();
    private final LongAdder nacks = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final PrintStream log;
    private final DirWatcher watcher;
    private final Server server;
    /** Used on the watch thread only, after construction. */
    private final FloorResources resources = new FloorResources();
    private volatile FloorSnapshot snapshot;

    private FloorServer(Path dir, InetSocketAddress address, Duration quiet, PrintStream log) throws IOException {
        this.log = log;
        this.watcher = new DirWatcher(dir, quiet, this::update);
        this.snapshot = FloorSnapshot.of(watcher.workload(), resources);
        ServerServiceDefinition ads = ServerServiceDefinition.builder("envoy.service.discovery.v3.AggregatedDiscoveryService")
                .addMethod(RawBytes.SOTW, ServerCalls.asyncBidiStreamingCall(out -> {
                    SotwStream s = new SotwStream(this, (ServerCallStreamObserver<byte[]>) out);
                    sotw.add(s);
                    return s;
                }))
                .addMethod(RawBytes.DELTA, ServerCalls.asyncBidiStreamingCall(out -> {
                    DeltaStream s = new DeltaStream(this, (ServerCallStreamObserver<byte[]>) out);
                    delta.add(s);
                    return s;
                }))
                .build();
        this.server = NettyServerBuilder.forAddress(address)
                .addService(ads)
                // Requests are small and handled without blocking: no hop to another thread.
                .directExecutor()
                .maxConcurrentCallsPerConnection(100_000)
                .maxInboundMessageSize(64 * 1024 * 1024)
                .permitKeepAliveTime(15, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build();
    }

    /**
     * @param quiet how long the directory must be still before a change is served: pilot4j waits 50 ms for its
     *              file watch to settle and 100 ms of debounce, so the default 150 ms makes both wait alike
     */
    public static FloorServer start(Path dir, InetSocketAddress address, Duration quiet, PrintStream log) throws IOException {
        FloorServer f = new FloorServer(dir, address, quiet, log);
        f.server.start();
        f.watcher.start();
        Workload w = f.watcher.workload();
        log.printf(Locale.ROOT, "floor: serving %d services (%d endpoints) on %s, version %d%n", w.services().size(), w.endpointCount(),
                f.boundAddress(), f.snapshot.version);
        return f;
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) server.getListenSockets().get(0);
    }

    FloorSnapshot snapshot() {
        return snapshot;
    }

    /** Builds the next snapshot (every response serialised once) and hands it to every stream; on the watch thread. */
    private void update(Workload workload) {
        long start = System.nanoTime();
        FloorSnapshot next = snapshot.next(workload, resources);
        snapshot = next;
        long built = System.nanoTime();
        int pushes = 0;
        for (XdsType type : XdsType.values()) {
            if (!next.changed(type)) {
                continue;
            }
            for (SotwStream s : sotw) {
                s.push(type, next);
            }
            for (DeltaStream s : delta) {
                s.push(type, next);
            }
            pushes++;
        }
        log.printf(Locale.ROOT, "floor: version %d, %d types changed, built in %.1f ms, queued to %d streams in %.1f ms%n",
                next.version, pushes, (built - start) / 1e6, sotw.size() + delta.size(), (System.nanoTime() - built) / 1e6);
    }

    void nack(XdsType type, String message) {
        nacks.increment();
        log.printf("floor: %s NACK: %s%n", type, message);
    }

    void sent(long bytes) {
        bytesSent.add(bytes);
    }

    void remove(Object stream) {
        sotw.remove(stream);
        delta.remove(stream);
    }

    public long nacks() {
        return nacks.sum();
    }

    public int streams() {
        return sotw.size() + delta.size();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() throws IOException {
        watcher.close();
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
