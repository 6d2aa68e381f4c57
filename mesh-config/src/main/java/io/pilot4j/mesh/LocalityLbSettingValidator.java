package io.pilot4j.mesh;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Istio's ValidateLocalityLbSetting, kept apart from the mesh rules because DestinationRules carry the same
 * setting. Not ported: Istio's check that distribute localities don't overlap.
 */
final class LocalityLbSettingValidator {

    /** Labels whose order failover already implies; Istio refuses them in failoverPriority next to failover. */
    private static final Set<String> TOPOLOGY_LABELS = Set.of(
            "topology.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.istio.io/subzone");

    private LocalityLbSettingValidator() {
    }

    static void validate(String path, LocalityLbSetting setting) {
        if (!setting.distribute().isEmpty() && !setting.failover().isEmpty()) {
            throw new InvalidFieldException(path, "distribute and failover can not both be set");
        }
        for (int i = 0; i < setting.distribute().size(); i++) {
            weights(path + ".distribute[" + i + "].to", setting.distribute().get(i).to());
        }
        for (int i = 0; i < setting.failover().size(); i++) {
            failover(path + ".failover[" + i + "]", setting.failover().get(i));
        }
        if (!setting.failover().isEmpty()) {
            List<String> priority = setting.failoverPriority();
            for (int i = 0; i < priority.size(); i++) {
                if (TOPOLOGY_LABELS.contains(priority.get(i))) {
                    throw new InvalidFieldException(path + ".failoverPriority[" + i + "]", "\"" + priority.get(i)
                            + "\" can not be used together with failover");
                }
            }
        }
    }

    private static void weights(String path, Map<String, Integer> to) {
        int total = 0;
        for (Map.Entry<String, Integer> target : to.entrySet()) {
            int weight = target.getValue();
            if (weight < 1 || weight > 100) {
                throw new InvalidFieldException(path + "[\"" + target.getKey() + "\"]",
                        "weight " + weight + " is out of range 1-100");
            }
            total += weight;
        }
        if (total != 100) {
            throw new InvalidFieldException(path, "weights add up to " + total + "; want 100");
        }
    }

    private static void failover(String path, LocalityLbSetting.Failover failover) {
        region(path + ".from", failover.from());
        region(path + ".to", failover.to());
        if (failover.from().equals(failover.to())) {
            throw new InvalidFieldException(path,
                    "from and to are both \"" + failover.from() + "\"; want two different regions");
        }
    }

    private static void region(String path, String region) {
        if (region.contains("/") || region.contains("*")) {
            throw new InvalidFieldException(path, "\"" + region + "\" is not a region (no \"/\" or \"*\")");
        }
    }
}
