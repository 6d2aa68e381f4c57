package io.pilot4j.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.Generators;
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
 * What {@code Connection.respond} does after generating, per type, for one sidecar over 1,000 services x 10
 * endpoints: pack every resource into an {@link Any}, hash the version ({@link ResourceVersion}), and serialise
 * the response, which gRPC does once per stream. Lives in pilot4j's xds package to reach ResourceVersion.
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

    private List<XdsResource> resources;
    private List<String> names;
    private List<Any> packed;
    private DiscoveryResponse response;

    @Setup
    public void setUp() {
        PushContext push = io.pilot4j.benchmarks.BenchmarkMesh.push(1000);
        Proxy proxy = io.pilot4j.benchmarks.BenchmarkMesh.sidecar();
        XdsType t = XdsType.valueOf(type);
        ResourceNames subscription = switch (t) {
            case CDS, LDS -> ResourceNames.all();
            case EDS -> io.pilot4j.benchmarks.BenchmarkMesh.clusterNames(push);
            case RDS -> ResourceNames.of("8080");
        };
        resources = Generators.forProxy(proxy).get(t.typeUrl).generate(proxy, push, subscription);
        names = new ArrayList<>();
        for (XdsResource r : resources) {
            names.add(r.name());
        }
        packed = pack();
        response = DiscoveryResponse.newBuilder().setTypeUrl(t.typeUrl).setVersionInfo("v").setNonce("n").addAllResources(packed).build();
    }

    @Benchmark
    public List<Any> pack() {
        List<Any> out = new ArrayList<>(resources.size());
        for (XdsResource r : resources) {
            out.add(Any.pack(r.resource()));
        }
        return out;
    }

    @Benchmark
    public String version() {
        return ResourceVersion.of(names, packed);
    }

    /** Serialising the packed response, as gRPC does per stream. */
    @Benchmark
    public byte[] serialize() {
        return response.toByteArray();
    }

    /** All of it, as one response costs on one connection: pack, hash, build, serialise. */
    @Benchmark
    public byte[] respond() {
        List<Any> anys = pack();
        String version = ResourceVersion.of(names, anys);
        return DiscoveryResponse.newBuilder().setTypeUrl(XdsType.valueOf(type).typeUrl).setVersionInfo(version).setNonce("n")
                .addAllResources(anys).build().toByteArray();
    }
}
