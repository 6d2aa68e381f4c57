package io.pilot4j.translate.endpoint;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.pilot4j.mesh.LocalityLbSetting;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.Locality;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.networking.LocalityLoadBalancing;
import io.pilot4j.model.networking.TrafficPolicy;
import io.pilot4j.translate.ProxyView;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Locality load balancing (Istio's loadbalancer.ApplyLocalityLoadBalancer): priorities and weights of a cluster's
 * locality groups relative to the proxy asking, for EDS and for the inline assignment of DNS clusters.
 *
 * <p>When it applies is Istio's rule: the setting in effect is the DestinationRule's (merged for the port and
 * subset), else the mesh's, unless that says {@code enabled: false}. {@code distribute} always applies; failover
 * (explicit, the default region/zone/subzone order, or {@code failoverPriority}) only when the cluster has outlier
 * detection, because without it Envoy never finds the preferred hosts unhealthy and would never leave priority 0.
 * The mesh's default is enabled, so a DestinationRule with outlier detection alone turns on locality failover.
 */
public final class LocalityLoadBalancer {
    /** Istio's topology.istio.io/network: a failoverPriority led by it does not demote other networks first. */
    private static final String NETWORK_LABEL = "topology.istio.io/network";

    private LocalityLoadBalancer() {
    }

    /** The groups with priorities and weights for {@code proxy}, under the cluster's merged {@code policy}. */
    public static List<LocalityLbEndpoints> apply(List<LocalityEndpoints.Group> groups, ProxyView proxy, PushContext push,
                                                  TrafficPolicy policy) {
        Optional<LocalityLbSetting> setting = LocalityLoadBalancing.effective(push.mesh().localityLbSetting(), policy.loadBalancer());
        return apply(groups, setting, policy.outlierDetection().isPresent(), proxy.locality(), proxy.labels());
    }

    /**
     * Istio's ApplyToCluster, for the cluster itself: Envoy weighs localities (by the weights EDS sends) only with
     * locality_weighted_lb_config, set when distribute applies or failover does. An ORIGINAL_DST cluster has one host
     * to pick and is left alone.
     */
    public static void applyToCluster(Cluster.Builder c, PushContext push, TrafficPolicy policy) {
        if (c.getType() == Cluster.DiscoveryType.ORIGINAL_DST) {
            return;
        }
        Optional<LocalityLbSetting> setting = LocalityLoadBalancing.effective(push.mesh().localityLbSetting(), policy.loadBalancer());
        if (setting.isEmpty()) {
            return;
        }
        LocalityLbSetting s = setting.get();
        boolean failover = c.hasOutlierDetection() && (!s.failover().isEmpty() || !s.failoverPriority().isEmpty());
        if (failover || !s.distribute().isEmpty()) {
            c.getCommonLbConfigBuilder().setLocalityWeightedLbConfig(Cluster.CommonLbConfig.LocalityWeightedLbConfig.getDefaultInstance());
        }
    }

    static List<LocalityLbEndpoints> apply(List<LocalityEndpoints.Group> groups, Optional<LocalityLbSetting> setting,
                                           boolean outlierDetection, Locality proxyLocality, Map<String, String> proxyLabels) {
        boolean applies = setting.isPresent() && (!setting.get().distribute().isEmpty() || outlierDetection);
        if (!applies) {
            // The common case (no rule, or one without outlier detection): the groups as they are.
            return groups.stream().map(LocalityEndpoints.Group::proto).toList();
        }
        List<Entry> entries = new ArrayList<>(groups.size());
        for (LocalityEndpoints.Group g : groups) {
            entries.add(new Entry(g.locality(), g.endpoints(), g.proto().toBuilder()));
        }
        LocalityLbSetting s = setting.get();
        if (!s.distribute().isEmpty()) {
            applyWeights(proxyLocality, entries, s.distribute());
        } else if (!s.failoverPriority().isEmpty()) {
            entries = applyFailoverPriorities(entries, proxyLabels, s.failoverPriority());
            // Explicit failover still orders regions under the label priorities.
            if (!s.failover().isEmpty()) {
                applyFailover(proxyLocality, entries, s.failover());
            }
        } else {
            applyFailover(proxyLocality, entries, s.failover());
        }
        List<LocalityLbEndpoints> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(e.group().build());
        }
        return out;
    }

    /** A locality group under construction, with the endpoints behind its lb_endpoints, in the same order. */
    private record Entry(Locality locality, List<Endpoint> endpoints, LocalityLbEndpoints.Builder group) {
    }

    /**
     * Istio's applyLocalityWeights: the first distribute whose {@code from} matches the proxy sets each group's weight
     * to its share of the {@code to} weight it matches (a wildcard matching several groups divides that weight in
     * proportion to their own weights, rounded up); groups no {@code to} matches keep no endpoints.
     */
    private static void applyWeights(Locality proxy, List<Entry> entries, List<LocalityLbSetting.Distribute> distribute) {
        for (LocalityLbSetting.Distribute d : distribute) {
            if (!matches(proxy, d.from())) {
                continue;
            }
            Set<Integer> unmatched = new HashSet<>();
            for (int i = 0; i < entries.size(); i++) {
                unmatched.add(i);
            }
            // Istio walks a Go map here, in random order; a group two targets match goes to the first in sorted order.
            for (Map.Entry<String, Integer> target : new TreeMap<>(d.to()).entrySet()) {
                Map<Integer, Long> original = new LinkedHashMap<>();
                long total = 0;
                for (int i = 0; i < entries.size(); i++) {
                    Entry e = entries.get(i);
                    if (unmatched.contains(i) && matches(e.locality(), target.getKey())) {
                        unmatched.remove(i);
                        long w = e.group().hasLoadBalancingWeight() ? Integer.toUnsignedLong(e.group().getLoadBalancingWeight().getValue()) : 1;
                        original.put(i, w);
                        total += w;
                    }
                }
                for (Map.Entry<Integer, Long> o : original.entrySet()) {
                    double weight = (double) (o.getValue() * target.getValue()) / total;
                    if (weight > 0) {
                        entries.get(o.getKey()).group().setLoadBalancingWeight(UInt32Value.of((int) Math.ceil(weight)));
                    }
                }
            }
            for (int i : unmatched) {
                entries.get(i).group().clearLbEndpoints();
            }
            return;
        }
    }

    /**
     * Istio's applyLocalityFailover: priority 0 for the proxy's own subzone, 1 its zone, 2 its region, 3 other
     * regions; with a failover entry from the proxy's region, other regions than its {@code to} drop to 4. Combined
     * with priorities already set (by failoverPriority) and renumbered 0..N without gaps, as Envoy requires.
     */
    private static void applyFailover(Locality proxy, List<Entry> entries, List<LocalityLbSetting.Failover> failover) {
        Map<Integer, List<Integer>> byPriority = new TreeMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            int priority = lbPriority(proxy, e.locality());
            if (priority == 3) {
                for (LocalityLbSetting.Failover f : failover) {
                    if (f.from().equals(proxy.region())) {
                        if (!e.locality().region().equals(f.to())) {
                            priority = 4;
                        }
                        break;
                    }
                }
            }
            int combined = e.group().getPriority() * 5 + priority;
            e.group().setPriority(combined);
            byPriority.computeIfAbsent(combined, p -> new ArrayList<>()).add(i);
        }
        renumber(entries, byPriority);
    }

    /**
     * Istio's applyFailoverPriorities: each group splits by how many of the labels, in order, an endpoint shares
     * with the proxy (all: priority 0; none of the first: the lowest); {@code label=value} compares with that value
     * instead of the proxy's; a label the proxy lacks compares as empty. Endpoints carry the topology labels of their
     * locality, as in Istio. Istio skips a proxy with no label at all; injected proxies always have some (the cluster
     * label Istio adds, app), and the view keeps only the labels failoverPriority names, so that case is not kept.
     */
    private static List<Entry> applyFailoverPriorities(List<Entry> entries, Map<String, String> proxyLabels, List<String> priorities) {
        if (entries.isEmpty()) {
            return entries;
        }
        int lowest = priorities.size();
        boolean includesNetwork = LocalityLoadBalancing.priorityLabel(priorities.get(0)).equals(NETWORK_LABEL);
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            Map<Integer, List<Integer>> byPriority = new TreeMap<>();
            for (int i = 0; i < e.endpoints().size(); i++) {
                Map<String, String> labels = e.endpoints().get(i).locality().augment(e.endpoints().get(i).labels());
                int priority = 0;
                int adjust = 0;
                for (int j = 0; j < priorities.size(); j++) {
                    String label = LocalityLoadBalancing.priorityLabel(priorities.get(j));
                    String pinned = LocalityLoadBalancing.pinnedValue(priorities.get(j));
                    String forProxy = pinned != null ? pinned : proxyLabels.getOrDefault(label, "");
                    if (!forProxy.equals(labels.getOrDefault(label, ""))) {
                        if (j == 0 && includesNetwork) {
                            adjust = lowest;
                            continue;
                        }
                        priority = lowest - j;
                        break;
                    }
                }
                byPriority.computeIfAbsent(priority + adjust, p -> new ArrayList<>()).add(i);
            }
            byPriority.forEach((priority, indexes) -> {
                LocalityLbEndpoints.Builder split = e.group().clone().clearLbEndpoints().setPriority(priority);
                List<Endpoint> members = new ArrayList<>();
                long weight = 0;
                for (int i : indexes) {
                    LbEndpoint lb = e.group().getLbEndpoints(i);
                    split.addLbEndpoints(lb);
                    members.add(e.endpoints().get(i));
                    weight += Integer.toUnsignedLong(lb.getLoadBalancingWeight().getValue());
                }
                split.setLoadBalancingWeight(UInt32Value.of((int) weight));
                out.add(new Entry(e.locality(), members, split));
            });
        }
        Map<Integer, List<Integer>> byPriority = new TreeMap<>();
        for (int i = 0; i < out.size(); i++) {
            byPriority.computeIfAbsent(out.get(i).group().getPriority(), p -> new ArrayList<>()).add(i);
        }
        renumber(out, byPriority);
        return out;
    }

    /** Priorities in use, in order, become 0..N: Envoy rejects gaps. */
    private static void renumber(List<Entry> entries, Map<Integer, List<Integer>> byPriority) {
        int next = 0;
        for (List<Integer> indexes : byPriority.values()) {
            for (int i : indexes) {
                entries.get(i).group().setPriority(next);
            }
            next++;
        }
    }

    /** Istio's LbPriority. */
    static int lbPriority(Locality proxy, Locality endpoints) {
        if (!proxy.region().equals(endpoints.region())) {
            return 3;
        }
        if (!proxy.zone().equals(endpoints.zone())) {
            return 2;
        }
        return proxy.subzone().equals(endpoints.subzone()) ? 0 : 1;
    }

    /** Istio's LocalityMatch: {@code region/zone/subzone} with '*' for any; a missing zone or subzone matches any. */
    static boolean matches(Locality locality, String rule) {
        String[] parts = rule.split("/", -1);
        String region = parts[0];
        String zone = parts.length > 1 ? parts[1] : "";
        String subzone = parts.length > 2 ? parts[2] : "";
        return (region.equals("*") || region.equals(locality.region()))
                && (zone.equals("*") || zone.isEmpty() || zone.equals(locality.zone()))
                && (subzone.equals("*") || subzone.isEmpty() || subzone.equals(locality.subzone()));
    }
}
