package io.pilot4j.load.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The services a run serves, in file-name order. */
public record Workload(List<ServiceSpec> services) {
    public Workload {
        services = List.copyOf(services);
    }

    public List<String> clusterNames() {
        List<String> out = new ArrayList<>(services.size());
        for (ServiceSpec s : services) {
            out.add(s.clusterName());
        }
        return out;
    }

    /** The distinct service ports: one HTTP listener and one route config each. */
    public Set<Integer> ports() {
        Set<Integer> out = new TreeSet<>();
        services.forEach(s -> out.add(s.port()));
        return out;
    }

    public int endpointCount() {
        int n = 0;
        for (ServiceSpec s : services) {
            n += s.endpoints().size();
        }
        return n;
    }
}
