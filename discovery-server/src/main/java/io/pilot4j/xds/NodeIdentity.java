package io.pilot4j.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.pilot4j.model.Locality;
import io.pilot4j.model.Proxy;

import java.util.HashMap;
import java.util.Map;

/** Turns the Envoy {@link Node} of a stream's first request into a {@link Proxy}. */
final class NodeIdentity {
    private NodeIdentity() {
    }

    /** @throws IllegalArgumentException naming what is wrong with the node id */
    static Proxy proxyOf(Node node) {
        Map<String, String> metadata = new HashMap<>();
        Map<String, String> labels = new HashMap<>();
        for (Map.Entry<String, Value> field : node.getMetadata().getFieldsMap().entrySet()) {
            Value v = field.getValue();
            if (v.hasStringValue()) {
                metadata.put(field.getKey(), v.getStringValue());
            } else if (v.hasStructValue() && field.getKey().equals(Proxy.LABELS)) {
                putStrings(v.getStructValue(), labels);
            }
        }
        var l = node.getLocality();
        return Proxy.fromNode(node.getId(), metadata, labels, new Locality(l.getRegion(), l.getZone(), l.getSubZone()));
    }

    private static void putStrings(Struct struct, Map<String, String> into) {
        struct.getFieldsMap().forEach((k, v) -> {
            if (v.hasStringValue()) {
                into.put(k, v.getStringValue());
            }
        });
    }
}
