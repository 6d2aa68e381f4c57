package io.pilot4j.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.pilot4j.model.ClientText;

import java.io.InputStream;

/**
 * A request as it came off the wire: the message, or why its bytes are not one. gRPC parses requests before any
 * handler or interceptor sees them, and answers a parse failure with UNKNOWN "Application error processing RPC" and
 * a stack trace per message; parsed this way instead, the stream can be refused with INVALID_ARGUMENT and one line.
 */
record InboundRequest<T extends Message>(T message, String malformed) {

    boolean isMalformed() {
        return message == null;
    }

    /** The usual protobuf marshaller (its zero-copy parsing and limits), reporting bad bytes as a value. */
    static <T extends Message> MethodDescriptor.Marshaller<InboundRequest<T>> marshaller(T defaultInstance) {
        MethodDescriptor.Marshaller<T> proto = ProtoUtils.marshaller(defaultInstance);
        String type = defaultInstance.getDescriptorForType().getName();
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(InboundRequest<T> value) {
                return proto.stream(value.message());
            }

            @Override
            public InboundRequest<T> parse(InputStream stream) {
                try {
                    return new InboundRequest<>(proto.parse(stream), null);
                } catch (StatusRuntimeException e) {
                    Throwable cause = e.getCause() instanceof InvalidProtocolBufferException ? e.getCause() : e;
                    return new InboundRequest<>(null, "not a valid " + type + " protobuf: " + ClientText.abbreviate(String.valueOf(cause.getMessage())));
                }
            }
        };
    }
}
