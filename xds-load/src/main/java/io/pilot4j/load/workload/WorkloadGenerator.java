package io.pilot4j.load.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * C services x E endpoints, one HTTP port each. Ports cycle through {@code ports} numbers from {@code basePort},
 * so one distinct port (the default) gives every sidecar one HTTP listener and one route config holding every
 * service, as a mesh of HTTP services on port 8080 would.
 */
public final class WorkloadGenerator {
    private WorkloadGenerator() {
    }

    public static Workload generate(int services, int endpoints, String namespace, int basePort, int ports) {
        if (services < 1 || endpoints < 1 || ports < 1) {
            throw new IllegalArgumentException("want at least one service, endpoint and port");
        }
        if (basePort < 1 || basePort + ports - 1 > 65535) {
            throw new IllegalArgumentException("ports " + basePort + ".." + (basePort + ports - 1) + " out of range");
        }
        int width = Math.max(4, Integer.toString(services - 1).length());
        List<ServiceSpec> out = new ArrayList<>(services);
        int next = 0;
        for (int i = 0; i < services; i++) {
            String name = "svc-" + pad(i, width);
            List<String> addresses = new ArrayList<>(endpoints);
            for (int j = 0; j < endpoints; j++) {
                addresses.add(Addresses.endpoint(next++));
            }
            out.add(new ServiceSpec(name, namespace, name + "." + namespace + ".svc.cluster.local", Addresses.vip(i),
                    basePort + i % ports, addresses));
        }
        return new Workload(out);
    }

    private static String pad(int n, int width) {
        String s = Integer.toString(n);
        return "0".repeat(Math.max(0, width - s.length())) + s;
    }
}
