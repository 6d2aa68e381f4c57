package io.pilot4j.xds;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.pilot4j.log.Scope;
import org.slf4j.Logger;

import java.util.function.Consumer;

/**
 * The gRPC face of ADS: one {@link SotwConnection} per state-of-the-world stream, one {@link DeltaConnection} per delta
 * stream. Requests are read with {@link InboundRequest}'s marshaller, so that bytes that are no request end their
 * stream with INVALID_ARGUMENT rather than gRPC's UNKNOWN.
 */
public final class AdsService implements BindableService {
    private static final Logger log = Scope.ADS.logger();
    /** The peer's address, put into each call's context by {@link #peerInterceptor()}, for logs and syncz. */
    private static final Context.Key<Object> PEER = Context.key("pilot4j-peer");

    /** What the resource_names lists of state-of-the-world requests may hold in memory, at most. */
    private static final long NAMES_TABLE_BYTES = 16L << 20;

    private final DiscoveryServer server;
    private final RequestNamesTable requestNames = new RequestNamesTable(NAMES_TABLE_BYTES);

    public AdsService(DiscoveryServer server) {
        this.server = server;
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(AggregatedDiscoveryServiceGrpc.SERVICE_NAME)
                .addMethod(AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod().toBuilder(
                                InboundRequest.sotwMarshaller(requestNames),
                                ProtoUtils.marshaller(DiscoveryResponse.getDefaultInstance())).build(),
                        ServerCalls.asyncBidiStreamingCall(this::streamAggregatedResources))
                .addMethod(AggregatedDiscoveryServiceGrpc.getDeltaAggregatedResourcesMethod().toBuilder(
                                InboundRequest.marshaller(DeltaDiscoveryRequest.getDefaultInstance()),
                                ProtoUtils.marshaller(DeltaDiscoveryResponse.getDefaultInstance())).build(),
                        ServerCalls.asyncBidiStreamingCall(this::deltaAggregatedResources))
                .build();
    }

    private StreamObserver<InboundRequest<DiscoveryRequest>> streamAggregatedResources(StreamObserver<DiscoveryResponse> responseObserver) {
        if (refuseUntilReady(responseObserver)) {
            return closed();
        }
        long delay = admit(responseObserver);
        if (delay < 0) {
            return closed();
        }
        SotwConnection connection = server.newConnection((ServerCallStreamObserver<DiscoveryResponse>) responseObserver, peer(), delay);
        return requests(connection, r -> connection.onRequest(r.message(), r.names()));
    }

    private StreamObserver<InboundRequest<DeltaDiscoveryRequest>> deltaAggregatedResources(
            StreamObserver<DeltaDiscoveryResponse> responseObserver) {
        if (refuseUntilReady(responseObserver)) {
            return closed();
        }
        long delay = admit(responseObserver);
        if (delay < 0) {
            return closed();
        }
        DeltaConnection connection = server.newDeltaConnection((ServerCallStreamObserver<DeltaDiscoveryResponse>) responseObserver, peer(),
                delay);
        return requests(connection, r -> connection.onRequest(r.message()));
    }

    private boolean refuseUntilReady(StreamObserver<?> responseObserver) {
        if (server.isReady()) {
            return false;
        }
        // Istio's answer while its caches sync: the client backs off and dials again.
        responseObserver.onError(Status.UNAVAILABLE.withDescription("server is not ready to serve discovery information").asRuntimeException());
        return true;
    }

    /**
     * Istio's WaitForRequestLimit: the delay before the stream is served, or -1 after refusing it with
     * RESOURCE_EXHAUSTED, Istio's answer, which clients retry with backoff.
     */
    private long admit(StreamObserver<?> responseObserver) {
        long delay = server.admit();
        if (delay < 0) {
            log.warn("ADS: {} exceeded rate limit (PILOT_MAX_REQUESTS_PER_SECOND)", peer());
            responseObserver.onError(Status.RESOURCE_EXHAUSTED.withDescription("request rate limit exceeded").asRuntimeException());
        }
        return delay;
    }

    private static String peer() {
        Object peer = PEER.get();
        return peer == null ? "unknown" : peer.toString();
    }

    /** The request side of a stream: each request to the connection, and the end of the stream. */
    private static <Q extends com.google.protobuf.Message> StreamObserver<InboundRequest<Q>> requests(Connection<?> connection,
                                                                                                   Consumer<InboundRequest<Q>> onRequest) {
        return new StreamObserver<>() {
            @Override
            public void onNext(InboundRequest<Q> request) {
                if (request.isMalformed()) {
                    connection.refuseMalformed(request.malformed());
                } else {
                    onRequest.accept(request);
                }
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
