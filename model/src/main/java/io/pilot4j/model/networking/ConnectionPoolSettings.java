package io.pilot4j.model.networking;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** Istio's ConnectionPoolSettings; as in the proto, 0 means "not set" for every count. */
public record ConnectionPoolSettings(Optional<Tcp> tcp, Optional<Http> http) {

    /**
     * @param idleTimeout           HTTP clusters' idle timeout when the HTTP settings give none, and a tcp_proxy's
     * @param maxConnectionDuration HTTP clusters' connection lifetime, and a tcp_proxy's downstream connection lifetime
     * @param tcpKeepalive          the upstream connections' TCP keepalive
     */
    public record Tcp(int maxConnections, Optional<Duration> connectTimeout, Optional<Duration> idleTimeout,
                      Optional<Duration> maxConnectionDuration, Optional<TcpKeepalive> tcpKeepalive) {
        public Tcp {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(maxConnectionDuration, "maxConnectionDuration");
            Objects.requireNonNull(tcpKeepalive, "tcpKeepalive");
        }
    }

    public record TcpKeepalive(int probes, Optional<Duration> time, Optional<Duration> interval) {
        public TcpKeepalive {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(interval, "interval");
        }
    }

    /**
     * @param h2UpgradePolicy DEFAULT, DO_NOT_UPGRADE or UPGRADE
     */
    public record Http(int http1MaxPendingRequests, int http2MaxRequests, int maxRequestsPerConnection, int maxRetries,
                       Optional<Duration> idleTimeout, String h2UpgradePolicy, boolean useClientProtocol, int maxConcurrentStreams) {
        public Http {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            h2UpgradePolicy = Objects.requireNonNullElse(h2UpgradePolicy, "DEFAULT");
        }
    }

    public ConnectionPoolSettings {
        Objects.requireNonNull(tcp, "tcp");
        Objects.requireNonNull(http, "http");
    }
}
