package io.pilot4j.testing;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A raw delta ADS stream driven by the test, step by step, the way Envoy's DELTA_GRPC drives it: subscribe and
 * unsubscribe by difference, ACK or NACK each response by its nonce. Responses are read in arrival order, as with
 * {@link AdsClient}.
 */
public final class DeltaAdsClient implements AutoCloseable {
    private final ManagedChannel channel;
    private final StreamObserver<DeltaDiscoveryRequest> requests;
    private final ResponseQueue<DeltaDiscoveryResponse> received = new ResponseQueue<>(DeltaDiscoveryResponse.class);
    private final Node node;
    private boolean nodeSent;

    public DeltaAdsClient(String target, String nodeId, Map<String, String> metadata) {
        this.node = AdsClient.node(nodeId, metadata);
        this.channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(received);
    }

    /** Sends a request; the node goes on the first one only, as Envoy does. */
    public void send(DeltaDiscoveryRequest.Builder request) {
        if (!nodeSent) {
            request.setNode(node);
            nodeSent = true;
        }
        requests.onNext(request.build());
    }

    /** A request without nonce that subscribes to names (none: Envoy's legacy wildcard on a first request). */
    public void subscribe(String typeUrl, Collection<String> names) {
        send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(typeUrl).addAllResourceNamesSubscribe(names));
    }

    public void unsubscribe(String typeUrl, Collection<String> names) {
        send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(typeUrl).addAllResourceNamesUnsubscribe(names));
    }

    public void ack(DeltaDiscoveryResponse response) {
        send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(response.getTypeUrl()).setResponseNonce(response.getNonce()));
    }

    public void nack(DeltaDiscoveryResponse response, String message) {
        send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(response.getTypeUrl()).setResponseNonce(response.getNonce())
                .setErrorDetail(Status.newBuilder().setCode(3).setMessage(message)));
    }

    /** The next message from the server, whatever its type; fails on timeout, stream error or completion. */
    public DeltaDiscoveryResponse next(Duration timeout) {
        return received.next(timeout);
    }

    /** The error the stream ended with, if it ends within the timeout. */
    public Throwable error(Duration timeout) throws InterruptedException {
        return received.error(timeout);
    }

    /** The names of the resources a response carries, sorted. */
    public static Set<String> names(DeltaDiscoveryResponse response) {
        return new TreeSet<>(versions(response).keySet());
    }

    /** Name to version of the resources a response carries, as a client keeps them for initial_resource_versions. */
    public static Map<String, String> versions(DeltaDiscoveryResponse response) {
        Map<String, String> out = new TreeMap<>();
        for (Resource r : response.getResourcesList()) {
            out.put(r.getName(), r.getVersion());
        }
        return out;
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
