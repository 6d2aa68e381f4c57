package io.pilot4j.load.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A state-of-the-world request as wire bytes. The resource names, which make an EDS ACK ~50 bytes per cluster, are
 * encoded once per subscription ({@code NameTable.encoded}) and reused by every ACK, instead of re-encoding a thousand strings
 * per response. Protobuf fields may come in any order, so the names block is simply appended.
 */
final class SotwRequest {
    private static final int VERSION_INFO = 1;
    private static final int NODE = 2;
    private static final int TYPE_URL = 4;
    private static final int RESPONSE_NONCE = 5;
    private static final int ERROR_DETAIL = 6;

    private SotwRequest() {
    }

    static byte[] encode(Node node, String typeUrl, String version, String nonce, Status error, ByteString names) {
        try {
            ByteString.Output head = ByteString.newOutput(128 + (node == null ? 0 : node.getSerializedSize()));
            CodedOutputStream out = CodedOutputStream.newInstance(head);
            if (!version.isEmpty()) {
                out.writeString(VERSION_INFO, version);
            }
            if (node != null) {
                out.writeMessage(NODE, node);
            }
            out.writeString(TYPE_URL, typeUrl);
            if (!nonce.isEmpty()) {
                out.writeString(RESPONSE_NONCE, nonce);
            }
            if (error != null) {
                out.writeMessage(ERROR_DETAIL, error);
            }
            out.flush();
            return head.toByteString().concat(names).toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
