package io.pilot4j.testing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.ServiceRegistry;
import io.pilot4j.monitoring.PilotMetrics;
import io.pilot4j.push.Environment;
import io.pilot4j.push.MeshHolder;
import io.pilot4j.push.PushRuntime;
import io.pilot4j.push.PushTuning;
import io.pilot4j.xds.DiscoveryServer;
import io.pilot4j.xds.XdsGrpcServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The push pipeline and the ADS listener alone, in-process on a free loopback port, over registries the test holds,
 * with the tuning and connection age the test chooses, and metrics the test can read.
 */
public final class XdsTestServer implements AutoCloseable {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PilotMetrics metrics = new PilotMetrics(meters);
    private final DiscoveryServer discovery;
    private final XdsGrpcServer grpc;

    private final PushRuntime runtime;

    private XdsTestServer(ServiceRegistry registry, PushTuning tuning, Duration maxConnectionAge, Duration grace, FakeClock time)
            throws IOException {
        Clock clock = time == null ? Clock.systemUTC() : time.clock();
        runtime = time == null ? PushRuntime.system(clock) : virtual(time);
        Environment env = new Environment(MeshHolder.fixed(MeshConfig.defaults()), List.of(registry), clock);
        discovery = new DiscoveryServer(env, metrics, tuning, runtime, "pilot4j-test");
        discovery.initialize();
        grpc = XdsGrpcServer.start(new InetSocketAddress("127.0.0.1", 0), discovery, maxConnectionAge, grace);
    }

    public static XdsTestServer start(ServiceRegistry registry, PushTuning tuning) throws IOException {
        return new XdsTestServer(registry, tuning, null, XdsGrpcServer.MAX_CONNECTION_AGE_GRACE, null);
    }

    public static XdsTestServer start(ServiceRegistry registry, PushTuning tuning, Duration maxConnectionAge, Duration grace) throws IOException {
        return new XdsTestServer(registry, tuning, maxConnectionAge, grace, null);
    }

    /**
     * On the test's virtual time: the debouncer, pushes, stream admission and the send budget's timer run only when
     * the test moves {@code time}, on the test's thread; connections still work on real threads, as gRPC does.
     */
    public static XdsTestServer start(ServiceRegistry registry, PushTuning tuning, FakeClock time) throws IOException {
        return new XdsTestServer(registry, tuning, null, XdsGrpcServer.MAX_CONNECTION_AGE_GRACE, time);
    }

    private static PushRuntime virtual(FakeClock time) {
        ExecutorService connections = Executors.newFixedThreadPool(2);
        return new PushRuntime(time.clock(), time.ticker(), time.scheduler(), time.scheduler(), connections, List.of(connections));
    }

    /** A short quiet period and limits high enough not to get in the way. */
    public static PushTuning fast() {
        return new PushTuning(Duration.ofMillis(10), Duration.ofSeconds(1), 100, 10_000);
    }

    public DiscoveryServer discovery() {
        return discovery;
    }

    public PilotMetrics metrics() {
        return metrics;
    }

    /** A counter's total over all its label values, e.g. pilot_push_triggers. */
    public double total(String counter) {
        return meters.find(counter).counters().stream().mapToDouble(Counter::count).sum();
    }

    public String target() {
        return "127.0.0.1:" + grpc.boundAddress().getPort();
    }

    @Override
    public void close() {
        grpc.close();
        discovery.close();
        runtime.close();
    }
}
