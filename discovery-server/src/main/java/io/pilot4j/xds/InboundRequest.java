package io.pilot4j.xds;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.pilot4j.model.ClientText;

import java.io.IOException;
import java.io.InputStream;

/**
 * A request as it came off the wire: the message, or why its bytes are not one. gRPC parses requests before any
 * handler or interceptor sees them, and answers a parse failure with UNKNOWN "Application error processing RPC" and
 * a stack trace per message; parsed this way instead, the stream can be refused with INVALID_ARGUMENT and one line.
 *
 * @param message the request; when {@code names} is set, without its resource_names, which {@code names} holds
 * @param names   for a state-of-the-world request with a long resource_names list, that list as the server-wide
 *                {@link RequestNamesTable} holds it; otherwise null, and the message holds its names
 */
record InboundRequest<T extends Message>(T message, String malformed, RequestNamesTable.Names names) {

    boolean isMalformed() {
        return message == null;
    }

    /** The usual protobuf marshaller (its zero-copy parsing and limits), reporting bad bytes as a value. */
    static <T extends Message> MethodDescriptor.Marshaller<InboundRequest<T>> marshaller(T defaultInstance) {
        MethodDescriptor.Marshaller<T> proto = ProtoUtils.marshaller(defaultInstance);
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(InboundRequest<T> value) {
                return proto.stream(value.message());
            }

            @Override
            public InboundRequest<T> parse(InputStream stream) {
                try {
                    return new InboundRequest<>(proto.parse(stream), null, null);
                } catch (StatusRuntimeException e) {
                    return malformed(defaultInstance, e.getCause() instanceof InvalidProtocolBufferException ? e.getCause() : e);
                }
            }
        };
    }

    /**
     * For state-of-the-world requests: as {@link #marshaller}, except that a long resource_names list is looked up
     * in {@code table} by its bytes, decoded only when the table does not hold it, and handed over beside the message
     * rather than in it.
     */
    static MethodDescriptor.Marshaller<InboundRequest<DiscoveryRequest>> sotwMarshaller(RequestNamesTable table) {
        MethodDescriptor.Marshaller<InboundRequest<DiscoveryRequest>> plain = marshaller(DiscoveryRequest.getDefaultInstance());
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(InboundRequest<DiscoveryRequest> value) {
                return plain.stream(value);
            }

            @Override
            public InboundRequest<DiscoveryRequest> parse(InputStream stream) {
                byte[] bytes;
                try {
                    int length = stream.available();
                    if (!(stream instanceof KnownLength) || length < RequestNamesTable.MIN_BYTES) {
                        return plain.parse(stream);
                    }
                    // gRPC's message stream knows its length: one copy, not readAllBytes' chunks and their concatenation.
                    bytes = new byte[length];
                    if (stream.readNBytes(bytes, 0, length) != length || stream.read() != -1) {
                        return malformed(DiscoveryRequest.getDefaultInstance(), new IOException("the request stream ended early or ran on"));
                    }
                } catch (IOException e) {
                    return malformed(DiscoveryRequest.getDefaultInstance(), e);
                }
                try {
                    int[] range = namesRange(bytes);
                    if (range == null || range[1] - range[0] < RequestNamesTable.MIN_BYTES) {
                        return new InboundRequest<>(DiscoveryRequest.parseFrom(bytes), null, null);
                    }
                    RequestNamesTable.Names names = table.intern(bytes, range[0], range[1]);
                    byte[] rest = new byte[bytes.length - (range[1] - range[0])];
                    System.arraycopy(bytes, 0, rest, 0, range[0]);
                    System.arraycopy(bytes, range[1], rest, range[0], bytes.length - range[1]);
                    // Not copied back into the message: adding thousands of names to a builder cost more than the rest.
                    return new InboundRequest<>(DiscoveryRequest.parseFrom(rest), null, names);
                } catch (IOException e) {
                    return malformed(DiscoveryRequest.getDefaultInstance(), e);
                }
            }
        };
    }

    /**
     * Where the resource_names fields lie, as {from, to}, when they are one run of fields; null when there are none
     * or other fields come between them (then the request is parsed whole).
     */
    private static int[] namesRange(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        int from = -1;
        int to = -1;
        while (true) {
            int start = in.getTotalBytesRead();
            int tag = in.readTag();
            if (tag == 0) {
                return from < 0 ? null : new int[]{from, to};
            }
            in.skipField(tag);
            if (WireFormat.getTagFieldNumber(tag) == DiscoveryRequest.RESOURCE_NAMES_FIELD_NUMBER
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                if (from < 0) {
                    from = start;
                } else if (start != to) {
                    return null;
                }
                to = in.getTotalBytesRead();
            }
        }
    }

    private static <T extends Message> InboundRequest<T> malformed(T defaultInstance, Throwable cause) {
        String type = defaultInstance.getDescriptorForType().getName();
        return new InboundRequest<>(null, "not a valid " + type + " protobuf: " + ClientText.abbreviate(String.valueOf(cause.getMessage())), null);
    }
}
