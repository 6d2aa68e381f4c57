package io.pilot4j.testing;

import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.networking.TrafficRules;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.model.ServiceRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A registry the test edits directly: services and endpoints in memory, each edit a new immutable snapshot. Unchanged
 * endpoint lists stay the same instances from one snapshot to the next, as the real registries keep them. The test
 * then tells the server, as a registry would ({@code discovery.configUpdate(...)}).
 */
public final class MemoryRegistry implements ServiceRegistry {
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<String, List<Endpoint>> endpoints = new LinkedHashMap<>();
    private volatile RegistrySnapshot snapshot = RegistrySnapshot.empty("Memory");
    private TrafficRules rules = TrafficRules.NONE;

    /** An HTTP service {@code name.namespace.svc.cluster.local} with one port named http-PORT, client-side load balanced. */
    public static Service http(String name, String namespace, int port, String vip, String... exportTo) {
        return new Service(name + "." + namespace + ".svc.cluster.local", namespace, List.of(new ServicePort("http-" + port, port, Protocol.HTTP)),
                Map.of(), vip == null ? List.of() : List.of(vip), Resolution.CLIENT_SIDE_LB, false, Set.of(exportTo));
    }

    /** Healthy endpoints of weight 1 on {@code port}, serving the port named {@code portName}. */
    public static List<Endpoint> endpoints(String portName, int port, String... ips) {
        List<Endpoint> out = new ArrayList<>();
        for (String ip : ips) {
            out.add(new Endpoint(ip, port, portName, Map.of(), Locality.NONE, 1, HealthStatus.HEALTHY, ""));
        }
        return List.copyOf(out);
    }

    /** Adds or replaces a service and its endpoints. */
    public synchronized MemoryRegistry put(Service service, List<Endpoint> serviceEndpoints) {
        services.put(service.hostname(), service);
        endpoints.put(service.hostname(), List.copyOf(serviceEndpoints));
        publish();
        return this;
    }

    /** Replaces the traffic rules. */
    public synchronized MemoryRegistry rules(TrafficRules newRules) {
        rules = newRules;
        publish();
        return this;
    }

    /** Replaces one service's endpoints. */
    public synchronized MemoryRegistry endpoints(String hostname, List<Endpoint> serviceEndpoints) {
        endpoints.put(hostname, List.copyOf(serviceEndpoints));
        publish();
        return this;
    }

    private void publish() {
        snapshot = new RegistrySnapshot("Memory", List.copyOf(services.values()), Map.copyOf(endpoints), List.of(), rules);
    }

    @Override
    public String provider() {
        return "Memory";
    }

    @Override
    public RegistrySnapshot snapshot() {
        return snapshot;
    }

    @Override
    public boolean hasSynced() {
        return true;
    }
}
