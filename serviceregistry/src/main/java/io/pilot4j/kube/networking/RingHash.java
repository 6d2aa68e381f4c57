package io.pilot4j.kube.networking;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBRingHash;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * A DestinationRule's {@code consistentHash.ringHash: {minimumRingSize: N}}, which fabric8's istio-model cannot read:
 * it types the RingHash message as the oneof's own wrapper class, so Jackson fails on every rule that sets it
 * ("Cannot deduce unique subtype"), in files and from the cluster alike. {@link #module()} reads the message instead,
 * keeping its size as the wrapper's additional property {@value #SIZE}; every mapper that reads Istio objects
 * registers it (the file registry's, the Kubernetes client's).
 */
public final class RingHash {
    private static final String SIZE = "minimumRingSize";

    private RingHash() {
    }

    /** The message's fields as Istio defines them, for {@link UnknownFields}. */
    static final class Message {
        @JsonProperty(SIZE)
        Long minimumRingSize;
    }

    public static Module module() {
        return new SimpleModule("pilot4j-ring-hash").setMixInAnnotation(LoadBalancerSettingsConsistentHashLBRingHash.class, MixIn.class);
    }

    /** The ring size the rule sets; empty when it sets none. */
    static OptionalLong minimumRingSize(LoadBalancerSettingsConsistentHashLBRingHash algorithm) {
        LoadBalancerSettingsConsistentHashLBRingHash message = algorithm.getRingHash();
        if (message == null || !(message.getAdditionalProperties().get(SIZE) instanceof Long size)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(size);
    }

    abstract static class MixIn {
        // Not the oneof's deduction: the value is the message, not another wrapper.
        @JsonTypeInfo(use = JsonTypeInfo.Id.NONE)
        @JsonDeserialize(using = MessageDeserializer.class)
        LoadBalancerSettingsConsistentHashLBRingHash ringHash;
    }

    /**
     * Reads {@code {minimumRingSize: N}}. Another field is kept, as fabric8 keeps unknown fields, and
     * {@link UnknownFields} reports it (against {@link Message}) from the file as written or the object as read.
     */
    static final class MessageDeserializer extends JsonDeserializer<LoadBalancerSettingsConsistentHashLBRingHash> {
        @Override
        public LoadBalancerSettingsConsistentHashLBRingHash deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.isExpectedStartObjectToken()) {
                return (LoadBalancerSettingsConsistentHashLBRingHash) ctxt.handleUnexpectedToken(Message.class, p);
            }
            LoadBalancerSettingsConsistentHashLBRingHash out = new LoadBalancerSettingsConsistentHashLBRingHash();
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                p.nextToken();
                if (name.equals(SIZE)) {
                    Long size = p.currentToken() == JsonToken.VALUE_NULL ? null : ctxt.readValue(p, Long.class);
                    if (size != null) {
                        out.setAdditionalProperty(SIZE, size);
                    }
                    continue;
                }
                out.setAdditionalProperty(name, ctxt.readValue(p, JsonNode.class));
            }
            return out;
        }
    }
}
