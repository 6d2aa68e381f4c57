package io.pilot4j.mesh;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes label selector as the mesh config holds it ({@code discoverySelectors}): every matchLabels pair and
 * every expression must hold; an empty selector matches everything (metav1.LabelSelectorAsSelector).
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

    /** One {@code matchExpressions} entry; a null operator (not given) is refused by validation and matches nothing. */
    public record Requirement(String key, Operator operator, List<String> values) {
        public Requirement {
            Objects.requireNonNull(key, "key");
            values = List.copyOf(values);
        }

        boolean matches(Map<String, String> labels) {
            if (operator == null) {
                return false;
            }
            String value = labels.get(key);
            switch (operator) {
                case In:
                    return value != null && values.contains(value);
                case NotIn:
                    // As in Kubernetes: a missing label is "not in" any set.
                    return value == null || !values.contains(value);
                case Exists:
                    return labels.containsKey(key);
                case DoesNotExist:
                    return !labels.containsKey(key);
                default:
                    throw new IllegalStateException("unknown operator " + operator);
            }
        }
    }

    /** The operators of a selector requirement, spelled as Kubernetes spells them. */
    public enum Operator { In, NotIn, Exists, DoesNotExist }

    public LabelSelector {
        matchLabels = Map.copyOf(matchLabels);
        matchExpressions = List.copyOf(matchExpressions);
    }

    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (Requirement r : matchExpressions) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Istio's discovery rule: with no selectors every namespace is discovered, otherwise a namespace whose labels
     * match any one selector.
     */
    public static boolean anyMatches(List<LabelSelector> selectors, Map<String, String> labels) {
        if (selectors.isEmpty()) {
            return true;
        }
        for (LabelSelector s : selectors) {
            if (s.matches(labels)) {
                return true;
            }
        }
        return false;
    }
}
