package io.pilot4j.benchmarks;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.kube.ServiceWithEndpoints;
import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Kind;
import io.pilot4j.model.Locality;
import io.pilot4j.model.PushChanges;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.Service;
import io.pilot4j.serviceregistry.ConfigChanges;
import io.pilot4j.serviceregistry.Converted;
import io.pilot4j.serviceregistry.RegistryObject;
import io.pilot4j.serviceregistry.RegistryStore;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsResource;
import io.pilot4j.translate.endpoint.EndpointGenerator;
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

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The path of one endpoint change, past parsing its file, over {@code services} x 10 endpoints as ServiceEntries:
 * the registry's store applies the changed object and says what changed, the request that makes, the snapshot of
 * the endpoints-only push, what it changed, and the one endpoint assignment a sidecar is sent. Every operation moves
 * one endpoint of the next service, as {@code xds-load} does. What it should not do is grow with {@code services}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EndpointChangeBenchmark {
    @Param({"1000", "5000"})
    int services;

    private final EndpointGenerator eds = new EndpointGenerator();
    private final HasMetadata written = new ConfigMapBuilder().withNewMetadata().withName("entry").endMetadata().build();
    private List<RegistryObject> entries;
    private RegistryStore store;
    private PushContext push;
    private ProxyView proxy;
    private int next;

    @Setup
    public void setUp() {
        RegistrySnapshot mesh = BenchmarkMesh.registry(services, 10);
        entries = new ArrayList<>(services);
        for (Service s : mesh.services()) {
            entries.add(entry(s, mesh.endpoints().get(s.hostname())));
        }
        store = new RegistryStore("File", RegistryStore.BY_KEY);
        store.apply(entries, List.of(), List.of());
        push = PushContext.build(0, Instant.EPOCH, MeshConfig.defaults(), List.of(store.state().snapshot()));
        proxy = ProxyView.of(BenchmarkMesh.sidecar()).narrowedFor(push);
    }

    private RegistryObject entry(Service s, List<Endpoint> endpoints) {
        return new RegistryObject(new ConfigKey(Kind.SERVICE_ENTRY, s.namespace(), s.hostname()), "bench", -1, written,
                new Converted.Services(List.of(new ServiceWithEndpoints(s, endpoints))));
    }

    @Benchmark
    public List<XdsResource> oneEndpointChange() {
        int i = next++ % services;
        RegistryObject old = entries.get(i);
        ServiceWithEndpoints declared = ((Converted.Services) old.converted()).services().get(0);
        List<Endpoint> endpoints = new ArrayList<>(declared.endpoints());
        Endpoint moved = endpoints.get(0);
        endpoints.set(0, new Endpoint("127.128." + ((next >> 8) & 0xFF) + "." + (next & 0xFF), moved.port(), moved.servicePortName(),
                moved.labels(), Locality.NONE, 1, HealthStatus.HEALTHY, ""));
        RegistryObject changed = entry(declared.service(), endpoints);
        entries.set(i, changed);

        RegistryStore.Delta delta = store.apply(List.of(changed), List.of(), List.of());
        PushRequest request = ConfigChanges.pushRequest(delta, Instant.EPOCH).orElseThrow();
        PushContext after = push.withEndpoints(next, Instant.EPOCH, List.of(store.state().snapshot()),
                request.endpointHosts());
        PushChanges changes = PushChanges.ofEndpoints(push, after, request.endpointHosts());
        push = after;
        String host = changes.endpoints().iterator().next();
        return eds.generate(proxy, after, ResourceNames.of("outbound|8080||" + host));
    }
}
