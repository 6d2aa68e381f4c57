package io.pilot4j.xds;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** State-of-the-world requests whose long resource_names lists are recognised by their bytes and decoded once. */
class RequestNamesTableTest {
    private final RequestNamesTable table = new RequestNamesTable(1 << 20);
    private final MethodDescriptor.Marshaller<InboundRequest<DiscoveryRequest>> marshaller = InboundRequest.sotwMarshaller(table);

    private static List<String> clusters(int count, String prefix) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add("outbound|8080||" + prefix + "-" + i + ".load.svc.cluster.local");
        }
        return names;
    }

    private static DiscoveryRequest ack(List<String> names, String nonce) {
        return DiscoveryRequest.newBuilder().setVersionInfo("v1").setResponseNonce(nonce).setTypeUrl(XdsType.EDS.typeUrl)
                .setNode(Node.newBuilder().setId("sidecar~10.0.0.1~a.ns~ns.svc.cluster.local")).addAllResourceNames(names).build();
    }

    private InboundRequest<DiscoveryRequest> parse(byte[] bytes) {
        return marshaller.parse(new Wire(bytes));
    }

    /** A message as gRPC hands it to a marshaller: a stream that knows its length. */
    private static final class Wire extends ByteArrayInputStream implements KnownLength {
        Wire(byte[] bytes) {
            super(bytes);
        }
    }

    @Test
    void aLongListIsDecodedOnceAndEveryRequestRepeatingItGetsTheSameNames() {
        List<String> names = clusters(5_000, "svc");
        DiscoveryRequest first = ack(names, "n1");
        DiscoveryRequest second = ack(names, "n2");

        InboundRequest<DiscoveryRequest> a = parse(first.toByteArray());
        InboundRequest<DiscoveryRequest> b = parse(second.toByteArray());
        assertEquals(first.toBuilder().clearResourceNames().build(), a.message(), "the message is the request but its names");
        assertEquals(names, a.names().list(), "which come beside it, in their order");
        assertEquals(second.toBuilder().clearResourceNames().build(), b.message());
        assertSame(a.names(), b.names(), "the second request's names are the first's");
        assertSame(a.names().subscription(false), b.names().subscription(false), "and so is what they subscribe to");
        assertEquals(names.size(), a.names().subscription(false).names().size());
        assertEquals(1, table.size());

        InboundRequest<DiscoveryRequest> other = parse(ack(clusters(5_000, "other"), "n3").toByteArray());
        assertNotSame(a.names(), other.names(), "another list is another entry");
        assertEquals(2, table.size());
    }

    @Test
    void shortListsAndScatteredNamesAreParsedWhole() throws IOException {
        DiscoveryRequest small = ack(List.of("outbound|80||a", "outbound|80||b"), "n1");
        InboundRequest<DiscoveryRequest> parsed = parse(small.toByteArray());
        assertEquals(small, parsed.message());
        assertNull(parsed.names(), "a short list is not kept");

        // resource_names, then another field, then resource_names again: valid protobuf, not one run of bytes.
        List<String> names = clusters(400, "svc");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        for (String n : names.subList(0, 200)) {
            coded.writeString(DiscoveryRequest.RESOURCE_NAMES_FIELD_NUMBER, n);
        }
        coded.writeString(DiscoveryRequest.TYPE_URL_FIELD_NUMBER, XdsType.EDS.typeUrl);
        for (String n : names.subList(200, 400)) {
            coded.writeString(DiscoveryRequest.RESOURCE_NAMES_FIELD_NUMBER, n);
        }
        coded.flush();
        InboundRequest<DiscoveryRequest> scattered = parse(out.toByteArray());
        assertEquals(names, scattered.message().getResourceNamesList());
        assertEquals(XdsType.EDS.typeUrl, scattered.message().getTypeUrl());
        assertNull(scattered.names());
    }

    @Test
    void aNameThatIsNotUtf8IsAMalformedRequest() {
        List<String> names = clusters(500, "svc");
        DiscoveryRequest.Builder request = ack(names, "n1").toBuilder();
        byte[] valid = request.build().toByteArray();
        // The last name's last byte becomes 0xFF, which no UTF-8 string contains.
        String last = names.get(names.size() - 1);
        byte[] bytes = valid.clone();
        int at = indexOf(bytes, ByteString.copyFromUtf8(last).toByteArray()) + last.length() - 1;
        bytes[at] = (byte) 0xFF;

        InboundRequest<DiscoveryRequest> parsed = parse(bytes);
        assertTrue(parsed.isMalformed());
        assertTrue(parsed.malformed().startsWith("not a valid DiscoveryRequest protobuf: "), parsed.malformed());
        assertEquals(0, table.size(), "nothing is kept of it");
    }

    @Test
    void theTableKeepsTheMostRecentlyUsedListsWithinItsBytes() {
        RequestNamesTable small = new RequestNamesTable(300_000);
        MethodDescriptor.Marshaller<InboundRequest<DiscoveryRequest>> m = InboundRequest.sotwMarshaller(small);
        byte[] a = ack(clusters(2_500, "a"), "n").toByteArray();
        byte[] b = ack(clusters(2_500, "b"), "n").toByteArray();
        byte[] c = ack(clusters(2_500, "c"), "n").toByteArray();
        RequestNamesTable.Names first = m.parse(new Wire(a)).names();
        m.parse(new Wire(b));
        assertSame(first, m.parse(new Wire(a)).names(), "a is used again, so b is the oldest now");
        m.parse(new Wire(c));
        assertEquals(2, small.size(), "about 110 KB each: two fit");
        assertSame(first, m.parse(new Wire(a)).names(), "a stayed");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
