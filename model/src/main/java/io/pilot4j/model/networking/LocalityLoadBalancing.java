package io.pilot4j.model.networking;

import io.pilot4j.mesh.LocalityLbSetting;
import io.pilot4j.mesh.MeshConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * When locality load balancing applies, and what of a proxy it reads (Istio's GetEffectiveLbSetting, and the
 * conditions of its endpoint and cluster builders). The translation itself is in the generators.
 */
public final class LocalityLoadBalancing {
    /** failoverPriority entries may pin a value for every proxy: {@code label=value}. */
    private static final char OVERRIDE = '=';

    private LocalityLoadBalancing() {
    }

    /**
     * The setting in effect for a cluster: the DestinationRule's when its (merged) policy has one, else the mesh's;
     * empty when that one says {@code enabled: false}. A rule's setting replaces the mesh's whole, as in Istio.
     */
    public static Optional<LocalityLbSetting> effective(LocalityLbSetting mesh, Optional<LoadBalancerSettings> lb) {
        Optional<LocalityLbSetting> rule = lb.flatMap(LoadBalancerSettings::localityLbSetting);
        LocalityLbSetting setting = rule.orElse(mesh);
        return setting.enabled() ? Optional.of(setting) : Optional.empty();
    }

    /**
     * Whether a proxy's locality can change anything it is sent under this mesh config and these rules, so that
     * proxies in different localities need different config. It can only through a distribute that applies (to any
     * cluster, since the mesh's applies without a rule) or through failover, which Istio applies only with outlier
     * detection. Conservative: a rule with outlier detection anywhere counts whatever its subsets and ports say.
     */
    public static boolean localityMatters(MeshConfig mesh, List<DestinationRule> rules) {
        LocalityLbSetting meshSetting = mesh.localityLbSetting();
        if (meshSetting.enabled() && !meshSetting.distribute().isEmpty()) {
            return true;
        }
        for (DestinationRule rule : rules) {
            for (Level level : levels(rule)) {
                Optional<LocalityLbSetting> setting = effective(meshSetting, level.loadBalancer());
                if (setting.isPresent() && (level.outlierDetection() || !setting.get().distribute().isEmpty())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The proxy label keys failoverPriority reads (mesh-wide and in any rule), without pinned values. */
    public static Set<String> failoverPriorityLabels(MeshConfig mesh, List<DestinationRule> rules) {
        Set<String> out = new HashSet<>();
        addLabels(mesh.localityLbSetting(), out);
        for (DestinationRule rule : rules) {
            for (Level level : levels(rule)) {
                level.loadBalancer().flatMap(LoadBalancerSettings::localityLbSetting).ifPresent(s -> addLabels(s, out));
            }
        }
        return out;
    }

    /** A failoverPriority entry's label: {@code label} or {@code label=value}. */
    public static String priorityLabel(String entry) {
        int eq = entry.indexOf(OVERRIDE);
        return eq < 0 ? entry : entry.substring(0, eq);
    }

    /** The value a failoverPriority entry pins for every proxy, or null when the proxy's own label counts. */
    public static String pinnedValue(String entry) {
        int eq = entry.indexOf(OVERRIDE);
        return eq < 0 ? null : entry.substring(eq + 1);
    }

    private static void addLabels(LocalityLbSetting setting, Set<String> into) {
        setting.failoverPriority().forEach(p -> into.add(priorityLabel(p)));
    }

    /** One place a rule sets load balancing or outlier detection: its policy, a port's, a subset's, a subset port's. */
    private record Level(Optional<LoadBalancerSettings> loadBalancer, boolean outlierDetection) {
    }

    private static List<Level> levels(DestinationRule rule) {
        List<Level> out = new ArrayList<>();
        addLevels(rule.trafficPolicy(), out);
        for (DestinationRule.Subset s : rule.subsets()) {
            s.trafficPolicy().ifPresent(p -> addLevels(p, out));
        }
        // Levels inherit from each other (a subset's outlier detection with the rule's locality setting): the rule's
        // outlier detection and locality setting together stand for any merge of them.
        boolean anyOutlier = out.stream().anyMatch(Level::outlierDetection);
        List<Level> merged = new ArrayList<>(out);
        for (Level l : out) {
            merged.add(new Level(l.loadBalancer(), anyOutlier));
        }
        merged.add(new Level(Optional.empty(), anyOutlier));
        return merged;
    }

    private static void addLevels(TrafficPolicy policy, List<Level> into) {
        into.add(new Level(policy.loadBalancer(), policy.outlierDetection().isPresent()));
        for (TrafficPolicy.PortTrafficPolicy p : policy.portLevelSettings()) {
            into.add(new Level(p.loadBalancer(), p.outlierDetection().isPresent()));
        }
    }
}
