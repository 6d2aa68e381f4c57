package io.pilot4j.translate.endpoint;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.pilot4j.model.Endpoint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The endpoints a proxy load-balances over, grouped per locality: shared by EDS and by the inline load
 * assignment of DNS clusters. Only HEALTHY endpoints are kept (Istio's default without DestinationRules).
 * {@link LocalityLoadBalancer} then sets priorities and weights relative to the proxy.
 */
public final class LocalityEndpoints {
    private static final Comparator<io.pilot4j.model.Locality> LOCALITY_ORDER =
            Comparator.comparing(io.pilot4j.model.Locality::region)
                    .thenComparing(io.pilot4j.model.Locality::zone)
                    .thenComparing(io.pilot4j.model.Locality::subzone);
    private static final Comparator<Endpoint> ENDPOINT_ORDER =
            Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port);

    private LocalityEndpoints() {
    }

    /**
     * One locality's endpoints, and the Envoy group they make: {@code proto}'s lb_endpoints are {@code endpoints},
     * in order (failoverPriority reads the endpoints' labels to split a group).
     */
    public record Group(io.pilot4j.model.Locality locality, List<Endpoint> endpoints, LocalityLbEndpoints proto) {
        public Group {
            endpoints = List.copyOf(endpoints);
        }
    }

    /** One group per locality, localities and endpoints in a stable order; empty when nothing is healthy. */
    public static List<LocalityLbEndpoints> of(List<Endpoint> endpoints) {
        return groups(endpoints).stream().map(Group::proto).toList();
    }

    /** As {@link #of}, with each group's endpoints. */
    public static List<Group> groups(List<Endpoint> endpoints) {
        Map<io.pilot4j.model.Locality, List<Endpoint>> byLocality = new TreeMap<>(LOCALITY_ORDER);
        for (Endpoint e : healthySorted(endpoints)) {
            byLocality.computeIfAbsent(e.locality(), l -> new ArrayList<>()).add(e);
        }
        List<Group> out = new ArrayList<>(byLocality.size());
        byLocality.forEach((locality, members) -> out.add(new Group(locality, members, group(locality, members))));
        return out;
    }

    /** Only the first healthy endpoint, for LOGICAL_DNS clusters, which Envoy requires to have exactly one. */
    public static List<Group> first(List<Endpoint> endpoints) {
        List<Endpoint> healthy = healthySorted(endpoints);
        if (healthy.isEmpty()) {
            return List.of();
        }
        Endpoint e = healthy.get(0);
        return List.of(new Group(e.locality(), List.of(e), group(e.locality(), List.of(e))));
    }

    private static List<Endpoint> healthySorted(List<Endpoint> endpoints) {
        List<Endpoint> healthy = new ArrayList<>();
        for (Endpoint e : endpoints) {
            if (e.health() == io.pilot4j.model.HealthStatus.HEALTHY) {
                healthy.add(e);
            }
        }
        healthy.sort(ENDPOINT_ORDER);
        return healthy;
    }

    private static LocalityLbEndpoints group(io.pilot4j.model.Locality locality, List<Endpoint> members) {
        LocalityLbEndpoints.Builder group = LocalityLbEndpoints.newBuilder()
                .setLocality(Locality.newBuilder()
                        .setRegion(locality.region())
                        .setZone(locality.zone())
                        .setSubZone(locality.subzone()));
        long weight = 0;
        for (Endpoint e : members) {
            group.addLbEndpoints(lbEndpoint(e));
            weight += e.weight();
        }
        // grpc-java ignores a locality without a weight ("No usable endpoint"), so every group carries the sum
        // of its members' weights; Envoy's locality-weighted LB reads the same field. Envoy caps the total at 2^32-1.
        return group.setLoadBalancingWeight(UInt32Value.of((int) Math.min(weight, 0xFFFFFFFFL)))
                .build();
    }

    private static LbEndpoint lbEndpoint(Endpoint e) {
        return LbEndpoint.newBuilder()
                .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                                .setAddress(e.address())
                                .setPortValue(e.port()))))
                .setHealthStatus(HealthStatus.HEALTHY)
                .setLoadBalancingWeight(UInt32Value.of(e.weight()))
                .build();
    }
}
