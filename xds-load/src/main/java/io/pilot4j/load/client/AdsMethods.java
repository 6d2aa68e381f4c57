package io.pilot4j.load.client;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The ADS methods as the simulated clients call them, tuned so the load generator spends its CPU where Envoy's
 * would be spent, not on copies: responses are read into one array and parsed with aliasing (each resource's
 * bytes are a view of it, not a copy), and state-of-the-world requests go out as bytes {@link SotwRequest} built.
 */
final class AdsMethods {
    private AdsMethods() {
    }

    static final MethodDescriptor<byte[], DiscoveryResponse> SOTW = AggregatedDiscoveryServiceGrpc
            .getStreamAggregatedResourcesMethod()
            .toBuilder(new BytesMarshaller(), new AliasingMarshaller<>(DiscoveryResponse.parser()))
            .build();

    static final MethodDescriptor<DeltaDiscoveryRequest, DeltaDiscoveryResponse> DELTA = AggregatedDiscoveryServiceGrpc
            .getDeltaAggregatedResourcesMethod()
            .toBuilder(ProtoUtils.marshaller(DeltaDiscoveryRequest.getDefaultInstance()),
                    new AliasingMarshaller<>(DeltaDiscoveryResponse.parser()))
            .build();

    private static final class AliasingMarshaller<T> implements MethodDescriptor.Marshaller<T> {
        private final Parser<T> parser;

        AliasingMarshaller(Parser<T> parser) {
            this.parser = parser;
        }

        @Override
        public InputStream stream(T value) {
            throw new UnsupportedOperationException("clients only receive this type");
        }

        @Override
        public T parse(InputStream stream) {
            try {
                byte[] bytes = stream.readAllBytes();
                CodedInputStream in = CodedInputStream.newInstance(bytes);
                in.enableAliasing(true);
                in.setSizeLimit(Integer.MAX_VALUE);
                return parser.parseFrom(in);
            } catch (InvalidProtocolBufferException e) {
                throw io.grpc.Status.INTERNAL.withDescription("response does not parse: " + e.getMessage()).asRuntimeException();
            } catch (IOException e) {
                throw io.grpc.Status.INTERNAL.withCause(e).asRuntimeException();
            }
        }
    }

    private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new KnownLengthStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            throw new UnsupportedOperationException("clients only send this type");
        }
    }

    private static final class KnownLengthStream extends ByteArrayInputStream implements io.grpc.KnownLength {
        KnownLengthStream(byte[] bytes) {
            super(bytes);
        }
    }
}
