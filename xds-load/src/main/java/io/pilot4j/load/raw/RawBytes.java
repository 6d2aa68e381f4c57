package io.pilot4j.load.raw;

import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * ADS methods whose responses are bytes serialised beforehand: gRPC frames them as they are, so a response
 * written to a thousand streams is serialised once.
 */
final class RawBytes {
    private RawBytes() {
    }

    static final MethodDescriptor.Marshaller<byte[]> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new Stream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    static final MethodDescriptor<DiscoveryRequest, byte[]> SOTW = AggregatedDiscoveryServiceGrpc
            .getStreamAggregatedResourcesMethod()
            .toBuilder(ProtoUtils.marshaller(DiscoveryRequest.getDefaultInstance()), MARSHALLER)
            .build();

    static final MethodDescriptor<DeltaDiscoveryRequest, byte[]> DELTA = AggregatedDiscoveryServiceGrpc
            .getDeltaAggregatedResourcesMethod()
            .toBuilder(ProtoUtils.marshaller(DeltaDiscoveryRequest.getDefaultInstance()), MARSHALLER)
            .build();

    /** Known length lets gRPC size the frame up front instead of buffering to find out. */
    private static final class Stream extends ByteArrayInputStream implements KnownLength {
        Stream(byte[] bytes) {
            super(bytes);
        }
    }
}
