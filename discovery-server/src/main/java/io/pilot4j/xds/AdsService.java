package io.pilot4j.xds;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** The gRPC face of ADS: one {@link Connection} per state-of-the-world stream. */
public final class AdsService extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {
    /** The peer's address, put into each call's context by {@link #peerInterceptor()}, for logs and syncz. */
    private static final Context.Key<Object> PEER = Context.key("pilot4j-peer");

    private final DiscoveryServer server;

    public AdsService(DiscoveryServer server) {
        this.server = server;
    }

    @Override
    public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> responseObserver) {
        if (!server.isReady()) {
            // Istio's answer while its caches sync: the client backs off and dials again.
            responseObserver.onError(Status.UNAVAILABLE.withDescription("server is not ready to serve discovery information").asRuntimeException());
            return closed();
        }
        Object peer = PEER.get();
        Connection connection = server.newConnection((ServerCallStreamObserver<DiscoveryResponse>) responseObserver,
                peer == null ? "unknown" : peer.toString());
        return new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryRequest request) {
                connection.onRequest(request);
            }

            @Override
            public void onError(Throwable t) {
                connection.onStreamEnd(false);
            }

            @Override
            public void onCompleted() {
                connection.onStreamEnd(true);
            }
        };
    }

    @Override
    public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(StreamObserver<DeltaDiscoveryResponse> responseObserver) {
        responseObserver.onError(Status.UNIMPLEMENTED
                .withDescription("delta ADS is not served yet; use state-of-the-world ADS (Envoy: ads_config.api_type GRPC)")
                .asRuntimeException());
        return closed();
    }

    /** The request side of a stream already closed with an error: whatever the client still sends is ignored. */
    private static <T> StreamObserver<T> closed() {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                // The stream is already closed.
            }

            @Override
            public void onError(Throwable t) {
                // Nothing to clean up.
            }

            @Override
            public void onCompleted() {
                // Nothing to clean up.
            }
        };
    }

    static ServerInterceptor peerInterceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                Context ctx = Context.current().withValue(PEER, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
                return Contexts.interceptCall(ctx, call, headers, next);
            }
        };
    }
}
