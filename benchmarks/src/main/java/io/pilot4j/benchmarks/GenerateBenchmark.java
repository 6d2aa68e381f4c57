package io.pilot4j.benchmarks;

import io.pilot4j.model.PushContext;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;
import io.pilot4j.translate.cluster.ClusterGenerator;
import io.pilot4j.translate.endpoint.EndpointGenerator;
import io.pilot4j.translate.listener.ListenerGenerator;
import io.pilot4j.translate.route.RouteGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Generating one sidecar's CDS, EDS, LDS and RDS over a {@code services} x 10 endpoints push context: what the XdsCache
 * does once per proxy view and subscription on a push that touches the type (one view per namespace and node flavour). And building the push context,
 * whole or for an endpoints-only push.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GenerateBenchmark {
    @Param({"1000"})
    int services;

    private RegistrySnapshot registry;
    private PushContext push;
    private ProxyView proxy;
    private ResourceNames clusters;
    private final XdsGenerator cds = new ClusterGenerator();
    private final XdsGenerator eds = new EndpointGenerator();
    private final XdsGenerator lds = new ListenerGenerator();
    private final XdsGenerator rds = new RouteGenerator();

    @Setup
    public void setUp() {
        registry = BenchmarkMesh.registry(services, 10);
        push = BenchmarkMesh.push(registry);
        proxy = ProxyView.of(BenchmarkMesh.sidecar());
        clusters = BenchmarkMesh.clusterNames(push);
    }

    @Benchmark
    public List<XdsResource> cds() {
        return cds.generate(proxy, push, ResourceNames.all());
    }

    @Benchmark
    public List<XdsResource> eds() {
        return eds.generate(proxy, push, clusters);
    }

    @Benchmark
    public List<XdsResource> lds() {
        return lds.generate(proxy, push, ResourceNames.all());
    }

    @Benchmark
    public List<XdsResource> rds() {
        return rds.generate(proxy, push, ResourceNames.of("8080"));
    }

    @Benchmark
    public PushContext pushContext() {
        return BenchmarkMesh.push(registry);
    }

    /**
     * The snapshot of a push whose requests changed one hostname's endpoints only: services, rules, their index and
     * every other hostname's endpoints are kept.
     */
    @Benchmark
    public PushContext endpointsOnlyPushContext() {
        return push.withEndpoints(2, java.time.Instant.EPOCH, List.of(registry), java.util.Set.of(push.services().get(0).hostname()));
    }
}
