package io.pilot4j.serviceregistry.kube;

import java.time.Duration;
import java.util.Objects;

/**
 * How the Kubernetes registry talks to its cluster.
 *
 * @param source          where the address and credentials come from
 * @param domainSuffix    the cluster domain of Service hostnames ({@code --domain})
 * @param retryInterval   first wait after a failure (API server unreachable, RBAC refusal); doubles up to 32 times
 *                        this, as fabric8's informers back off
 * @param crdCheckInterval how often to look again for Istio CRDs that were missing, so config of that kind starts
 *                        being read once its CRD is installed
 */
public record KubeOptions(ClusterSource source, String domainSuffix, Duration retryInterval, Duration crdCheckInterval) {
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_CRD_CHECK_INTERVAL = Duration.ofSeconds(30);

    public KubeOptions {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(domainSuffix, "domainSuffix");
        Objects.requireNonNull(retryInterval, "retryInterval");
        Objects.requireNonNull(crdCheckInterval, "crdCheckInterval");
    }

    public static KubeOptions defaults(ClusterSource source, String domainSuffix) {
        return new KubeOptions(source, domainSuffix, DEFAULT_RETRY_INTERVAL, DEFAULT_CRD_CHECK_INTERVAL);
    }

    /** The longest wait between two attempts. */
    Duration maxRetryInterval() {
        return retryInterval.multipliedBy(32);
    }
}
