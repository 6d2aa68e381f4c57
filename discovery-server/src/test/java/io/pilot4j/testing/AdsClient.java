package io.pilot4j.testing;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * A raw state-of-the-world ADS stream driven by the test, step by step, the way Envoy drives it. Responses
 * are read in arrival order, so a test can tell what the server sent between two of its own requests.
 * {@link DeltaAdsClient} is the same for delta ADS.
 */
public final class AdsClient implements AutoCloseable {
    private final ManagedChannel channel;
    private final StreamObserver<DiscoveryRequest> requests;
    private final ResponseQueue<DiscoveryResponse> received = new ResponseQueue<>(DiscoveryResponse.class);
    private final Node node;
    private boolean nodeSent;

    public AdsClient(String target, String nodeId, Map<String, String> metadata) {
        this.node = node(nodeId, metadata);
        this.channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(received);
    }

    /** An Envoy node with string metadata, as the first request of a stream carries it. */
    static Node node(String nodeId, Map<String, String> metadata) {
        Struct.Builder md = Struct.newBuilder();
        metadata.forEach((k, v) -> md.putFields(k, Value.newBuilder().setStringValue(v).build()));
        return Node.newBuilder().setId(nodeId).setMetadata(md).build();
    }

    /** Sends a request; the node goes on the first one only, as Envoy does. */
    public void send(String typeUrl, Collection<String> names, String versionInfo, String nonce) {
        send(DiscoveryRequest.newBuilder().setTypeUrl(typeUrl).addAllResourceNames(names)
                .setVersionInfo(versionInfo).setResponseNonce(nonce));
    }

    public void send(DiscoveryRequest.Builder request) {
        if (!nodeSent) {
            request.setNode(node);
            nodeSent = true;
        }
        requests.onNext(request.build());
    }

    /** Sends a request exactly as built, never adding the node. */
    public void sendWithoutNode(DiscoveryRequest.Builder request) {
        nodeSent = true;
        requests.onNext(request.build());
    }

    /** ACKs a response with the same names it asked for. */
    public void ack(DiscoveryResponse response, Collection<String> names) {
        send(response.getTypeUrl(), names, response.getVersionInfo(), response.getNonce());
    }

    /** The next message from the server, whatever its type; fails on timeout, stream error or completion. */
    public DiscoveryResponse next(Duration timeout) {
        return received.next(timeout);
    }

    /** The error the stream ended with, if it ends within the timeout. */
    public Throwable error(Duration timeout) throws InterruptedException {
        return received.error(timeout);
    }

    @Override
    public void close() {
        try {
            requests.onCompleted();
        } catch (RuntimeException ignored) {
            // Already closed.
        }
        channel.shutdownNow();
    }
}
