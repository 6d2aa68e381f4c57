package io.pilot4j.model.networking;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The accepted traffic rules of one registry, each list oldest first (Istio's order of precedence). */
public record TrafficRules(List<VirtualService> virtualServices, List<DestinationRule> destinationRules, List<Sidecar> sidecars,
                           List<Gateway> gateways) {
    public static final TrafficRules NONE = new TrafficRules(List.of(), List.of(), List.of(), List.of());

    public TrafficRules {
        virtualServices = sorted(virtualServices, VirtualService::meta);
        destinationRules = sorted(destinationRules, DestinationRule::meta);
        sidecars = sorted(sidecars, Sidecar::meta);
        gateways = sorted(gateways, Gateway::meta);
    }

    public boolean isEmpty() {
        return virtualServices.isEmpty() && destinationRules.isEmpty() && sidecars.isEmpty() && gateways.isEmpty();
    }

    /** The rules of several registries together, in precedence order. */
    public static TrafficRules merge(Collection<TrafficRules> all) {
        List<VirtualService> vs = new ArrayList<>();
        List<DestinationRule> dr = new ArrayList<>();
        List<Sidecar> sc = new ArrayList<>();
        List<Gateway> gw = new ArrayList<>();
        for (TrafficRules r : all) {
            vs.addAll(r.virtualServices);
            dr.addAll(r.destinationRules);
            sc.addAll(r.sidecars);
            gw.addAll(r.gateways);
        }
        return new TrafficRules(vs, dr, sc, gw);
    }

    private static <T> List<T> sorted(List<T> list, java.util.function.Function<T, ConfigMeta> meta) {
        List<T> out = new ArrayList<>(list);
        out.sort(java.util.Comparator.comparing(meta));
        return List.copyOf(out);
    }
}
