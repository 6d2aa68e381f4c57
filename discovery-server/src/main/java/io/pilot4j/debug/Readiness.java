package io.pilot4j.debug;

import java.util.Optional;

/** What /ready reports: empty when ready, else why not. */
@FunctionalInterface
public interface Readiness {
    Optional<String> notReadyReason();
}
