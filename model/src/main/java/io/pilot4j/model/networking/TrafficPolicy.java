package io.pilot4j.model.networking;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Istio's TrafficPolicy: per destination (and per port with {@code portLevelSettings}, per subset on a subset).
 * Its {@code tunnel} is not supported: conversions reject it.
 *
 * @param proxyProtocol the PROXY protocol header sent on each upstream connection
 * @param retryBudget   retries as a share of active requests, in place of a fixed limit
 */
public record TrafficPolicy(Optional<LoadBalancerSettings> loadBalancer, Optional<ConnectionPoolSettings> connectionPool,
                            Optional<OutlierDetection> outlierDetection, Optional<ClientTlsSettings> tls,
                            Optional<ProxyProtocol> proxyProtocol, Optional<RetryBudget> retryBudget,
                            List<PortTrafficPolicy> portLevelSettings) {
    public static final TrafficPolicy NONE = new TrafficPolicy(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), List.of());

    /** The PROXY protocol versions Envoy sends. */
    public enum ProxyProtocol {
        V1, V2
    }

    /**
     * Istio's RetryBudget.
     *
     * @param percent             retries allowed, as a percentage of active requests (Envoy's default 20 when not given)
     * @param minRetryConcurrency retries always allowed, whatever the share (Envoy's default 3 when not given)
     */
    public record RetryBudget(OptionalDouble percent, OptionalInt minRetryConcurrency) {
        public RetryBudget {
            Objects.requireNonNull(percent, "percent");
            Objects.requireNonNull(minRetryConcurrency, "minRetryConcurrency");
        }
    }

    /** The same settings for one port. */
    public record PortTrafficPolicy(int port, Optional<LoadBalancerSettings> loadBalancer,
                                    Optional<ConnectionPoolSettings> connectionPool, Optional<OutlierDetection> outlierDetection,
                                    Optional<ClientTlsSettings> tls) {
        public PortTrafficPolicy {
            Objects.requireNonNull(loadBalancer, "loadBalancer");
            Objects.requireNonNull(connectionPool, "connectionPool");
            Objects.requireNonNull(outlierDetection, "outlierDetection");
            Objects.requireNonNull(tls, "tls");
        }
    }

    public TrafficPolicy {
        Objects.requireNonNull(loadBalancer, "loadBalancer");
        Objects.requireNonNull(connectionPool, "connectionPool");
        Objects.requireNonNull(outlierDetection, "outlierDetection");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
        Objects.requireNonNull(retryBudget, "retryBudget");
        portLevelSettings = List.copyOf(portLevelSettings);
    }

    /**
     * The policy in effect for one port, Istio's MergeTrafficPolicy: a port-level setting replaces the whole
     * field it sets (not field by field inside it); portLevelSettings are consumed.
     */
    public TrafficPolicy forPort(int port) {
        for (PortTrafficPolicy p : portLevelSettings) {
            if (p.port() == port) {
                return new TrafficPolicy(
                        p.loadBalancer().isPresent() ? p.loadBalancer() : loadBalancer,
                        p.connectionPool().isPresent() ? p.connectionPool() : connectionPool,
                        p.outlierDetection().isPresent() ? p.outlierDetection() : outlierDetection,
                        p.tls().isPresent() ? p.tls() : tls,
                        proxyProtocol, retryBudget, List.of());
            }
        }
        return new TrafficPolicy(loadBalancer, connectionPool, outlierDetection, tls, proxyProtocol, retryBudget, List.of());
    }

    /**
     * {@code subset} applied over this (the destination's) policy for one port, as Istio merges them: each field the
     * subset's policy (for that port) sets replaces the destination's.
     */
    public TrafficPolicy withSubset(TrafficPolicy subset, int port) {
        TrafficPolicy base = forPort(port);
        if (subset == null) {
            return base;
        }
        TrafficPolicy s = subset.forPort(port);
        return new TrafficPolicy(
                s.loadBalancer().isPresent() ? s.loadBalancer() : base.loadBalancer(),
                s.connectionPool().isPresent() ? s.connectionPool() : base.connectionPool(),
                s.outlierDetection().isPresent() ? s.outlierDetection() : base.outlierDetection(),
                s.tls().isPresent() ? s.tls() : base.tls(),
                s.proxyProtocol().isPresent() ? s.proxyProtocol() : base.proxyProtocol(),
                s.retryBudget().isPresent() ? s.retryBudget() : base.retryBudget(),
                List.of());
    }
}
