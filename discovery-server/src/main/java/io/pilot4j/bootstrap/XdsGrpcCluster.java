package io.pilot4j.bootstrap;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.UpstreamConnectionOptions;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TcpKeepalive;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.pilot4j.translate.cluster.UpstreamHttpOptions;

import java.time.Duration;

/**
 * The static {@code xds-grpc} cluster of Istio's bootstrap: the one cluster Envoy knows before ADS, pointing at the
 * discovery server, over HTTP/2 (gRPC) without TLS (pilot4j serves plaintext ADS only).
 */
final class XdsGrpcCluster {
    static final String NAME = "xds-grpc";

    /** Istio's limits: high enough never to trip on the control plane connection, unlike Envoy's default 1024. */
    private static final UInt32Value LIMIT = UInt32Value.of(100_000);

    private XdsGrpcCluster() {
    }

    static Cluster build(DiscoveryAddress server, Duration connectTimeout, Cluster.DnsLookupFamily dnsFamily) {
        Cluster.Builder c = Cluster.newBuilder()
                .setName(NAME)
                .setConnectTimeout(Durations.fromNanos(connectTimeout.toNanos()))
                .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
                .setLoadAssignment(ClusterLoadAssignment.newBuilder()
                        .setClusterName(NAME)
                        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                                .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
                                        .setSocketAddress(SocketAddress.newBuilder()
                                                .setAddress(server.host())
                                                .setPortValue(server.port())))))))
                .setCircuitBreakers(CircuitBreakers.newBuilder()
                        .addThresholds(thresholds(RoutingPriority.DEFAULT))
                        .addThresholds(thresholds(RoutingPriority.HIGH)))
                // A control plane behind a load balancer or NAT must not lose the stream to an idle timeout.
                .setUpstreamConnectionOptions(UpstreamConnectionOptions.newBuilder()
                        .setTcpKeepalive(TcpKeepalive.newBuilder().setKeepaliveTime(UInt32Value.of(300))))
                .putTypedExtensionProtocolOptions(UpstreamHttpOptions.KEY, Any.pack(HttpProtocolOptions.newBuilder()
                        // One stream per connection, as Istio: a new ADS stream opens a new connection, so a
                        // reconnect can reach another discovery server replica.
                        .setCommonHttpProtocolOptions(io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
                                .setMaxRequestsPerConnection(UInt32Value.of(1)))
                        .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                                .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
                        .build()));
        if (server.isIp()) {
            c.setType(Cluster.DiscoveryType.STATIC);
        } else {
            c.setType(Cluster.DiscoveryType.STRICT_DNS).setDnsLookupFamily(dnsFamily);
        }
        return c.build();
    }

    private static CircuitBreakers.Thresholds thresholds(RoutingPriority priority) {
        return CircuitBreakers.Thresholds.newBuilder()
                .setPriority(priority)
                .setMaxConnections(LIMIT)
                .setMaxPendingRequests(LIMIT)
                .setMaxRequests(LIMIT)
                .build();
    }
}
