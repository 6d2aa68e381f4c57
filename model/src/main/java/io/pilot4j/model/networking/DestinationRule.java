package io.pilot4j.model.networking;

import io.pilot4j.model.Kind;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Istio's DestinationRule, validated, with a short host already expanded in its namespace.
 *
 * @param host             the service it applies to, possibly a wildcard ({@code *.example.com})
 * @param exportTo         namespaces that see it; empty means the mesh's defaultDestinationRuleExportTo
 * @param trafficPolicy    the policy of the whole destination; {@link TrafficPolicy#NONE} when not given
 * @param subsets          named groups of endpoints, by labels, each with an optional policy of its own
 * @param workloadSelector the workloads of its namespace it applies to; empty for every proxy that can see it
 */
public record DestinationRule(ConfigMeta meta, String host, List<String> exportTo, TrafficPolicy trafficPolicy,
                              List<Subset> subsets, Map<String, String> workloadSelector) implements TrafficRule {
    @Override
    public Kind kind() {
        return Kind.DESTINATION_RULE;
    }


    public record Subset(String name, Map<String, String> labels, Optional<TrafficPolicy> trafficPolicy) {
        public Subset {
            Objects.requireNonNull(name, "name");
            labels = Map.copyOf(labels);
            Objects.requireNonNull(trafficPolicy, "trafficPolicy");
        }

        /** Whether an endpoint with these labels belongs to the subset (every subset label present and equal). */
        public boolean selects(Map<String, String> endpointLabels) {
            return endpointLabels.entrySet().containsAll(labels.entrySet());
        }
    }

    public DestinationRule {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(host, "host");
        exportTo = List.copyOf(exportTo);
        trafficPolicy = trafficPolicy == null ? TrafficPolicy.NONE : trafficPolicy;
        subsets = List.copyOf(subsets);
        workloadSelector = Map.copyOf(workloadSelector);
    }

    public Optional<Subset> subset(String name) {
        for (Subset s : subsets) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The policy for one port of one subset ("" for none): destination, then port level, then the subset's. */
    public TrafficPolicy policyFor(String subset, int port) {
        TrafficPolicy subsetPolicy = subset.isEmpty() ? null : subset(subset).flatMap(Subset::trafficPolicy).orElse(null);
        return trafficPolicy.withSubset(subsetPolicy, port);
    }
}
