package io.pilot4j.mesh;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Istio's LocalityLoadBalancerSetting, mesh-wide and per DestinationRule traffic policy.
 *
 * @param enabled          locality-aware load balancing on or off (Istio's default: on)
 * @param distribute       weighted distribution from a source locality to target localities
 * @param failover         explicit region failover
 * @param failoverPriority labels to order endpoints by, for priority failover
 */
public record LocalityLbSetting(boolean enabled, List<Distribute> distribute, List<Failover> failover, List<String> failoverPriority) {

    /** {@code from} is a locality pattern ("us-west/zone1/*"); {@code to} maps locality patterns to weights summing to 100. */
    public record Distribute(String from, Map<String, Integer> to) {
        public Distribute {
            Objects.requireNonNull(from, "from");
            to = Map.copyOf(to);
        }
    }

    /** Traffic from region {@code from} fails over to region {@code to}. */
    public record Failover(String from, String to) {
        public Failover {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }

    public LocalityLbSetting {
        distribute = List.copyOf(distribute);
        failover = List.copyOf(failover);
        failoverPriority = List.copyOf(failoverPriority);
    }

    public static LocalityLbSetting defaults() {
        return new LocalityLbSetting(true, List.of(), List.of(), List.of());
    }
}
