package io.pilot4j.mesh;

import java.util.Objects;
import java.util.Set;

/**
 * The fields of one of Istio's proto messages, in their JSON names, as pilot4j sees them.
 *
 * @param messageName Istio's name for the message, for warnings ("ProxyConfig")
 * @param used        fields pilot4j reads
 * @param ignored     fields Istio has that pilot4j accepts without a word and does not use
 */
record MessageFields(String messageName, Set<String> used, Set<String> ignored) {

    MessageFields {
        Objects.requireNonNull(messageName, "messageName");
        used = Set.copyOf(used);
        ignored = Set.copyOf(ignored);
    }

    boolean isIstioField(String name) {
        return used.contains(name) || ignored.contains(name);
    }
}
