package io.pilot4j.benchmarks;

import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.translate.ResourceNames;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The load tool's workload through the model API: C services x E endpoints, one HTTP port (8080) each, as
 * {@code xds-load workload} writes them and the file registry reads them; and a sidecar of their namespace.
 */
public final class BenchmarkMesh {
    static final String NAMESPACE = "load";

    private BenchmarkMesh() {
    }

    public static RegistrySnapshot registry(int services, int endpoints) {
        List<Service> out = new ArrayList<>(services);
        Map<String, List<Endpoint>> eps = new HashMap<>();
        int n = 0;
        for (int i = 0; i < services; i++) {
            String host = String.format("svc-%04d.%s.svc.cluster.local", i, NAMESPACE);
            out.add(new Service(host, NAMESPACE, List.of(new ServicePort("http", 8080, Protocol.HTTP)), Map.of(),
                    List.of("240.240." + (i >> 8) + "." + (i & 0xFF)), Resolution.CLIENT_SIDE_LB, false, Set.of()));
            List<Endpoint> list = new ArrayList<>(endpoints);
            for (int j = 0; j < endpoints; j++, n++) {
                String ip = "127." + (1 + (n >> 16)) + "." + ((n >> 8) & 0xFF) + "." + (n & 0xFF);
                list.add(new Endpoint(ip, 8080, "http", Map.of(), Locality.NONE, 1, HealthStatus.HEALTHY, ""));
            }
            eps.put(host, list);
        }
        return new RegistrySnapshot("File", out, eps, List.of());
    }

    public static PushContext push(RegistrySnapshot registry) {
        return PushContext.build(1, Instant.EPOCH, MeshConfig.defaults(), List.of(registry));
    }

    public static PushContext push(int services) {
        return push(registry(services, 10));
    }

    public static Proxy sidecar() {
        return Proxy.fromNode("sidecar~127.255.0.1~pod-1." + NAMESPACE + "~" + NAMESPACE + ".svc.cluster.local",
                Map.of(Proxy.NAMESPACE, NAMESPACE), Map.of());
    }

    /** What an Envoy subscribes EDS to: every cluster CDS gave it. */
    public static ResourceNames clusterNames(PushContext push) {
        List<String> names = new ArrayList<>();
        for (Service s : push.services()) {
            names.add("outbound|8080||" + s.hostname());
        }
        return ResourceNames.of(names);
    }
}
