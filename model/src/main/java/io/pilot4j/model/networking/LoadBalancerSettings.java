package io.pilot4j.model.networking;

import io.pilot4j.mesh.LocalityLbSetting;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Istio's LoadBalancerSettings: a simple policy or a consistent hash, plus locality settings.
 *
 * @param simple            the simple policy; {@link Simple#UNSPECIFIED} when not given or with a consistent hash
 * @param consistentHash    hash-based affinity
 * @param localityLbSetting replaces the mesh-wide setting ({@link LocalityLoadBalancing#effective})
 * @param warmup            slow start of new endpoints (Istio's warmup, or the older warmupDurationSecs)
 */
public record LoadBalancerSettings(Simple simple, Optional<ConsistentHash> consistentHash,
                                   Optional<LocalityLbSetting> localityLbSetting, Optional<Warmup> warmup) {
    public enum Simple {
        UNSPECIFIED, LEAST_CONN, RANDOM, PASSTHROUGH, ROUND_ROBIN, LEAST_REQUEST
    }

    /**
     * Istio's WarmupConfiguration: new endpoints get traffic ramping up over {@code duration}.
     *
     * @param minimumPercent the least share of traffic a warming endpoint gets, when given
     * @param aggression     how fast the ramp climbs (1 is linear), when given
     */
    public record Warmup(Duration duration, OptionalDouble minimumPercent, OptionalDouble aggression) {
        public Warmup {
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(minimumPercent, "minimumPercent");
            Objects.requireNonNull(aggression, "aggression");
        }
    }

    /**
     * Istio's ConsistentHashLB.
     *
     * @param key             what is hashed
     * @param name            the header, cookie or query parameter name; empty for the source IP
     * @param cookiePath      the cookie's path
     * @param cookieTtl       the cookie's lifetime: Envoy generates the cookie when absent and a TTL is given
     * @param cookieAttributes attributes of a generated cookie ({@code SameSite=Strict}, {@code Secure}), in order
     * @param minimumRingSize ring hash size, 0 for the default
     * @param maglev          the maglev algorithm instead of a ring hash
     * @param maglevTableSize maglev's table size, 0 for Envoy's default
     */
    public record ConsistentHash(HashKey key, String name, String cookiePath, Optional<Duration> cookieTtl,
                                 List<CookieAttribute> cookieAttributes, long minimumRingSize, boolean maglev, long maglevTableSize) {
        public enum HashKey {
            HTTP_HEADER_NAME, HTTP_COOKIE, USE_SOURCE_IP, HTTP_QUERY_PARAMETER_NAME
        }

        /** @param value empty for a flag attribute ({@code Secure}) */
        public record CookieAttribute(String name, String value) {
            public CookieAttribute {
                Objects.requireNonNull(name, "name");
                value = Objects.requireNonNullElse(value, "");
            }
        }

        public ConsistentHash {
            Objects.requireNonNull(key, "key");
            name = Objects.requireNonNullElse(name, "");
            cookiePath = Objects.requireNonNullElse(cookiePath, "");
            Objects.requireNonNull(cookieTtl, "cookieTtl");
            cookieAttributes = List.copyOf(cookieAttributes);
        }
    }

    public LoadBalancerSettings {
        Objects.requireNonNull(simple, "simple");
        Objects.requireNonNull(consistentHash, "consistentHash");
        Objects.requireNonNull(localityLbSetting, "localityLbSetting");
        Objects.requireNonNull(warmup, "warmup");
    }
}
