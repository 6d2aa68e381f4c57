package io.pilot4j.model.networking;

import io.pilot4j.mesh.LocalityLbSetting;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Istio's LoadBalancerSettings: a simple policy or a consistent hash, plus locality settings.
 *
 * @param simple            the simple policy; {@link Simple#UNSPECIFIED} when not given or with a consistent hash
 * @param consistentHash    hash-based affinity
 * @param localityLbSetting replaces the mesh-wide setting ({@link LocalityLoadBalancing#effective})
 * @param warmup            slow-start window (held; not translated yet)
 */
public record LoadBalancerSettings(Simple simple, Optional<ConsistentHash> consistentHash,
                                   Optional<LocalityLbSetting> localityLbSetting, Optional<Duration> warmup) {
    public enum Simple {
        UNSPECIFIED, LEAST_CONN, RANDOM, PASSTHROUGH, ROUND_ROBIN, LEAST_REQUEST
    }

    /**
     * Istio's ConsistentHashLB.
     *
     * @param key             what is hashed
     * @param name            the header, cookie or query parameter name; empty for the source IP
     * @param cookiePath      the cookie's path
     * @param cookieTtl       the cookie's lifetime: Envoy generates the cookie when absent and a TTL is given
     * @param minimumRingSize ring hash size, 0 for the default
     * @param maglev          the maglev algorithm instead of a ring hash
     */
    public record ConsistentHash(HashKey key, String name, String cookiePath, Optional<Duration> cookieTtl, long minimumRingSize,
                                 boolean maglev) {
        public enum HashKey {
            HTTP_HEADER_NAME, HTTP_COOKIE, USE_SOURCE_IP, HTTP_QUERY_PARAMETER_NAME
        }

        public ConsistentHash {
            Objects.requireNonNull(key, "key");
            name = Objects.requireNonNullElse(name, "");
            cookiePath = Objects.requireNonNullElse(cookiePath, "");
            Objects.requireNonNull(cookieTtl, "cookieTtl");
        }
    }

    public LoadBalancerSettings {
        Objects.requireNonNull(simple, "simple");
        Objects.requireNonNull(consistentHash, "consistentHash");
        Objects.requireNonNull(localityLbSetting, "localityLbSetting");
        Objects.requireNonNull(warmup, "warmup");
    }
}
