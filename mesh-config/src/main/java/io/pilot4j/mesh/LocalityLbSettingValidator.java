package io.pilot4j.mesh;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Istio's validateLocalityLbSetting, shared by the mesh config and DestinationRules, which carry the same setting.
 * Problems go to a {@link Problems} sink with the field relative to the setting ({@code distribute[0].to["us-east/*"]}),
 * so each caller reports them its own way. Not ported: Istio's check that distribute localities do not overlap, and
 * its warning that failover needs outlier detection (pilot4j's rules have no warnings; such failover is not applied,
 * as in Istio).
 */
public final class LocalityLbSettingValidator {

    /** Labels whose order failover already implies; Istio refuses them in failoverPriority next to failover. */
    private static final Set<String> TOPOLOGY_LABELS = Set.of(
            "topology.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.istio.io/subzone");

    /** Where validation reports a problem. */
    @FunctionalInterface
    public interface Problems {
        /** @param field relative to the setting, empty for the setting as a whole */
        void add(String field, String message);
    }

    private LocalityLbSettingValidator() {
    }

    /** For the mesh config: stops at the first problem, under {@code path}. */
    static void validate(String path, LocalityLbSetting setting) {
        validate(setting, (field, message) -> {
            throw new InvalidFieldException(field.isEmpty() ? path : field.startsWith("[") ? path + field : path + "." + field, message);
        });
    }

    public static void validate(LocalityLbSetting setting, Problems problems) {
        if (!setting.distribute().isEmpty() && !setting.failover().isEmpty()) {
            problems.add("", "distribute and failover can not both be set");
            return;
        }
        for (int i = 0; i < setting.distribute().size(); i++) {
            LocalityLbSetting.Distribute d = setting.distribute().get(i);
            String path = "distribute[" + i + "]";
            locality(path + ".from", d.from(), problems);
            weights(path + ".to", d.to(), problems);
        }
        for (int i = 0; i < setting.failover().size(); i++) {
            failover("failover[" + i + "]", setting.failover().get(i), problems);
        }
        if (!setting.failover().isEmpty()) {
            List<String> priority = setting.failoverPriority();
            for (int i = 0; i < priority.size(); i++) {
                if (TOPOLOGY_LABELS.contains(priority.get(i))) {
                    problems.add("failoverPriority[" + i + "]", "\"" + priority.get(i) + "\" can not be used together with failover");
                }
            }
        }
    }

    private static void weights(String path, Map<String, Integer> to, Problems problems) {
        int total = 0;
        // Sorted, so that a rule with several bad targets always reports them in the same order.
        for (Map.Entry<String, Integer> target : new TreeMap<>(to).entrySet()) {
            String field = path + "[\"" + target.getKey() + "\"]";
            locality(field, target.getKey(), problems);
            int weight = target.getValue();
            if (weight < 1 || weight > 100) {
                problems.add(field, "weight " + weight + " is out of range 1-100");
            }
            total += weight;
        }
        if (total != 100) {
            problems.add(path, "weights add up to " + total + "; want 100");
        }
    }

    /** Istio's validateLocalities, without the overlap check: region[/zone[/subzone]], a single '*' only at the end. */
    private static void locality(String path, String locality, Problems problems) {
        int stars = (int) locality.chars().filter(c -> c == '*').count();
        if (stars > 1 || (stars == 1 && !locality.endsWith("*"))) {
            problems.add(path, "\"" + locality + "\": at most one '*' wildcard, and only at the end");
            return;
        }
        for (String part : locality.split("/", 3)) {
            if (part.isEmpty()) {
                problems.add(path, "\"" + locality + "\" has an empty region, zone or subzone");
                return;
            }
        }
    }

    private static void failover(String path, LocalityLbSetting.Failover failover, Problems problems) {
        region(path + ".from", failover.from(), problems);
        region(path + ".to", failover.to(), problems);
        if (failover.from().equals(failover.to())) {
            problems.add(path, "from and to are both \"" + failover.from() + "\"; want two different regions");
        }
    }

    private static void region(String path, String region, Problems problems) {
        if (region.contains("/") || region.contains("*")) {
            problems.add(path, "\"" + region + "\" is not a region (no \"/\" or \"*\")");
        }
    }
}
