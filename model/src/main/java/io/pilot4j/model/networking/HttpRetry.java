package io.pilot4j.model.networking;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Istio's HTTPRetry.
 *
 * @param attempts              retries allowed; 0 turns retries off
 * @param perTryTimeout         timeout of each attempt
 * @param retryOn               Envoy retry conditions and HTTP status codes, comma separated, as written; empty
 *                              keeps Istio's default conditions
 * @param backoff               base interval between retries
 * @param retryRemoteLocalities retry in other localities
 * @param retryIgnorePreviousHosts whether a retry may go to a host already tried; absent means Istio's default (not)
 */
public record HttpRetry(int attempts, Optional<Duration> perTryTimeout, String retryOn, Optional<Duration> backoff,
                        Optional<Boolean> retryRemoteLocalities, Optional<Boolean> retryIgnorePreviousHosts) {
    public HttpRetry {
        Objects.requireNonNull(perTryTimeout, "perTryTimeout");
        retryOn = Objects.requireNonNullElse(retryOn, "");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(retryRemoteLocalities, "retryRemoteLocalities");
        Objects.requireNonNull(retryIgnorePreviousHosts, "retryIgnorePreviousHosts");
    }
}
