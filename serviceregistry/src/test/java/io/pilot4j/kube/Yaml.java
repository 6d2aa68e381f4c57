package io.pilot4j.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pilot4j.kube.networking.RingHash;

/** Reads a YAML snippet into a fabric8 object, for tests that state their input as users write it. */
public final class Yaml {
    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory()).registerModule(RingHash.module());

    private Yaml() {
    }

    public static <T> T read(String yaml, Class<T> type) {
        try {
            return MAPPER.readValue(yaml, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad test YAML: " + e.getOriginalMessage() + "\n" + yaml, e);
        }
    }
}
