package io.pilot4j.xds;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The plaintext gRPC listener for ADS (Istio's --grpcAddr, :15010). */
public final class XdsGrpcServer implements AutoCloseable {
    /** Istio's grpcMaxStreams default: one stream per proxy, and a replica holds thousands. */
    private static final int MAX_CONCURRENT_STREAMS = 100_000;
    /** Istio's default; large clusters make large CDS/EDS responses, but requests stay small. */
    private static final int MAX_INBOUND_MESSAGE_SIZE = 4 * 1024 * 1024;
    /**
     * HTTP/2 receive window per stream (gRPC Go's default; grpc-java's Netty default is 1 MiB). Requests that arrive
     * faster than they are handed to the connection wait in direct memory up to this much per stream: with 1 MiB,
     * 2,000 sidecars ACKing a burst of pushes (an EDS ACK names every cluster, 51 KB for 1,000) could ask for 2 GB
     * and ran a 512 MiB JVM out of direct memory. A larger request still arrives, a window at a time.
     */
    private static final int FLOW_CONTROL_WINDOW = 64 * 1024;
    /**
     * Istio's MaxServerConnectionAgeGrace: once a connection is too old, its streams get this long to end before it is
     * closed. ADS streams never end on their own, so this is when the client reconnects, to whichever replica.
     */
    public static final Duration MAX_CONNECTION_AGE_GRACE = Duration.ofSeconds(10);

    private final Server server;

    private XdsGrpcServer(Server server) {
        this.server = server;
    }

    /** Connections live for ever (Istio's default). */
    public static XdsGrpcServer start(InetSocketAddress address, DiscoveryServer discovery) throws IOException {
        return start(address, discovery, null, MAX_CONNECTION_AGE_GRACE);
    }

    /**
     * @param maxConnectionAge Istio's --keepaliveMaxServerConnectionAge, null for ever: an older connection is sent
     *                         GOAWAY (gRPC adds up to 10% jitter, so a fleet does not reconnect at once), then closed
     *                         after {@code grace}
     */
    public static XdsGrpcServer start(InetSocketAddress address, DiscoveryServer discovery, Duration maxConnectionAge, Duration grace)
            throws IOException {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address);
        if (maxConnectionAge != null) {
            builder.maxConnectionAge(maxConnectionAge.toNanos(), TimeUnit.NANOSECONDS)
                    .maxConnectionAgeGrace(grace.toNanos(), TimeUnit.NANOSECONDS);
        }
        Server server = builder
                .addService(ServerInterceptors.intercept(new AdsService(discovery), AdsService.peerInterceptor()))
                .maxConcurrentCallsPerConnection(MAX_CONCURRENT_STREAMS)
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_SIZE)
                .flowControlWindow(FLOW_CONTROL_WINDOW)
                // Istio's keepalive enforcement: Envoy and gRPC clients ping idle streams; do not punish them for it.
                .permitKeepAliveTime(15, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .build()
                .start();
        return new XdsGrpcServer(server);
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) server.getListenSockets().get(0);
    }

    /** Ends every ADS stream at once: they never finish on their own, and clients reconnect to another replica. */
    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
