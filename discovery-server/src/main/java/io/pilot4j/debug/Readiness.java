package io.pilot4j.debug;

import java.util.List;
import java.util.Optional;

/** What /ready reports: empty when ready, else why not; and, while ready, what serves degraded. */
@FunctionalInterface
public interface Readiness {
    Optional<String> notReadyReason();

    /**
     * While ready: what keeps the served state from being current (a watch RBAC refuses, an unreachable API server),
     * one line each. It does not turn /ready to 503: the last known state is served, kept current by relists where
     * the server allows them, and failing readiness would take every replica (which share the RBAC role) out of its
     * Service, leaving proxies with no control plane at all.
     */
    default List<String> degraded() {
        return List.of();
    }
}
