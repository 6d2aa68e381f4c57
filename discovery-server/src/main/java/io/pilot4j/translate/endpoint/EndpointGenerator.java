package io.pilot4j.translate.endpoint;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.model.SubsetKey;
import io.pilot4j.model.networking.DestinationRule;
import io.pilot4j.model.networking.TrafficPolicy;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * EDS for every kind of client (Istio's EdsGenerator): one ClusterLoadAssignment per requested cluster name.
 *
 * <p>A requested name is always answered, with an empty assignment when the service, port or subset is unknown:
 * Envoy keeps a cluster warming until its EDS answer arrives, so silence would block it, while an empty answer
 * lets it warm with no hosts. Names that are not cluster names at all are skipped.
 */
public final class EndpointGenerator implements XdsGenerator {

    @Override
    public List<XdsResource> generate(ProxyView proxy, PushContext push, ResourceNames names) {
        List<XdsResource> out = new ArrayList<>();
        for (String name : names.wildcard() ? servedClusterNames(proxy, push) : names.names()) {
            Optional<SubsetKey> key = SubsetKey.parse(name);
            if (key.isPresent()) {
                out.add(new XdsResource(name, loadAssignment(proxy, push, name, key.get())));
            }
        }
        return out;
    }

    /**
     * Whether EDS carries this service's endpoints: client-side load-balanced services, and passthrough
     * services too, which gateways and proxyless gRPC reach through EDS since they have no original destination
     * to forward to. DNS services carry theirs inline in the cluster, as in Istio.
     */
    public static boolean servesEndpoints(Service service) {
        return service.resolution() == Resolution.CLIENT_SIDE_LB || service.resolution() == Resolution.PASSTHROUGH;
    }

    private static ClusterLoadAssignment loadAssignment(ProxyView proxy, PushContext push, String name, SubsetKey key) {
        ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(name);
        // Inbound clusters are not generated.
        if (key.direction() != SubsetKey.Direction.OUTBOUND) {
            return cla.build();
        }
        Optional<Service> service = push.service(key.hostname())
                .filter(s -> proxy.sees(push, s))
                .filter(EndpointGenerator::servesEndpoints);
        Optional<ServicePort> port = service.flatMap(s -> s.port(key.port()));
        if (port.isEmpty()) {
            return cla.build();
        }
        List<Endpoint> endpoints = push.endpoints(service.get(), port.get());
        Optional<DestinationRule> rule = push.destinationRule(proxy.namespace(), proxy.labels(), service.get());
        if (!key.subset().isEmpty()) {
            // A subset holds the endpoints whose labels carry all of the subset's; a subset the proxy's
            // DestinationRule does not define has none (its cluster does not exist either).
            Optional<DestinationRule.Subset> subset = rule.flatMap(dr -> dr.subset(key.subset()));
            if (subset.isEmpty()) {
                return cla.build();
            }
            endpoints = endpoints.stream().filter(e -> subset.get().selects(e.labels())).toList();
        }
        TrafficPolicy policy = rule.map(dr -> dr.policyFor(key.subset(), key.port())).orElse(TrafficPolicy.NONE);
        return cla.addAllEndpoints(LocalityLoadBalancer.apply(LocalityEndpoints.groups(endpoints), proxy, push, policy)).build();
    }

    // A wildcard EDS request never comes from a proxy; it serves debug dumps with everything EDS can answer.
    private static List<String> servedClusterNames(ProxyView proxy, PushContext push) {
        List<String> out = new ArrayList<>();
        for (Service s : proxy.visibleServices(push)) {
            if (!servesEndpoints(s)) {
                continue;
            }
            List<DestinationRule.Subset> subsets = push.destinationRule(proxy.namespace(), proxy.labels(), s)
                    .map(DestinationRule::subsets).orElse(List.of());
            for (ServicePort p : s.ports()) {
                if (p.protocol() != Protocol.UDP) {
                    out.add(SubsetKey.outbound(s.hostname(), p.port()).toString());
                    for (DestinationRule.Subset subset : subsets) {
                        out.add(new SubsetKey(SubsetKey.Direction.OUTBOUND, p.port(), subset.name(), s.hostname()).toString());
                    }
                }
            }
        }
        return out;
    }
}
