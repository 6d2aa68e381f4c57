package io.pilot4j.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.ControlPlane;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.Generators;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsResource;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the XdsCache does after generating, per type, for one sidecar view over 1,000 services x 10 endpoints: pack
 * every resource into an {@link Any} and hash its version ({@link PackedResource}), hash the response version
 * ({@link ResourceVersion}); and what each connection then pays on a cache hit: the response from the shared template
 * with its own nonce, serialised by gRPC once per stream. Lives in pilot4j's xds package to reach them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SerializeBenchmark {
    @Param({"CDS", "EDS", "LDS", "RDS"})
    String type;

    private XdsCache.Key key;
    private List<XdsResource> resources;
    private List<PackedResource> packed;
    private Generation generation;
    private final ControlPlane controlPlane = ControlPlane.newBuilder().setIdentifier("bench").build();

    @Setup
    public void setUp() {
        PushContext push = io.pilot4j.benchmarks.BenchmarkMesh.push(1000);
        ProxyView view = ProxyView.of(io.pilot4j.benchmarks.BenchmarkMesh.sidecar());
        XdsType t = XdsType.valueOf(type);
        ResourceNames subscription = switch (t) {
            case CDS, LDS -> ResourceNames.all();
            case EDS -> io.pilot4j.benchmarks.BenchmarkMesh.clusterNames(push);
            case RDS -> ResourceNames.of("8080");
        };
        key = new XdsCache.Key(t, view, subscription);
        resources = Generators.forView(view).get(t.typeUrl).generate(view, push, subscription);
        packed = pack();
        generation = new Generation(key, packed);
        generation.sotwResponse(controlPlane, "warm");
    }

    /** Once per view and push (a cache miss): every resource packed, serialised and hashed. */
    @Benchmark
    public List<PackedResource> pack() {
        List<PackedResource> out = new ArrayList<>(resources.size());
        for (XdsResource r : resources) {
            out.add(PackedResource.pack(r));
        }
        return out;
    }

    /** Once per view and push: the state-of-the-world version over the resources' versions. */
    @Benchmark
    public String version() {
        return ResourceVersion.of(packed);
    }

    /** Per connection on a cache hit: the shared response with this connection's nonce, serialised as gRPC does. */
    @Benchmark
    public byte[] respondFromCache() {
        return generation.sotwResponse(controlPlane, "n").toByteArray();
    }

    /** A cache miss end to end: pack, hash, build the response, serialise it. */
    @Benchmark
    public byte[] respond() {
        return new Generation(key, pack()).sotwResponse(controlPlane, "n").toByteArray();
    }
}
