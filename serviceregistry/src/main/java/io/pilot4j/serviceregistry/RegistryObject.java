package io.pilot4j.serviceregistry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.model.ConfigKey;

import java.util.Objects;

/**
 * One object a registry applies, converted.
 *
 * @param key           kind/namespace/name
 * @param source        where it came from: a file, or "Kubernetes"
 * @param documentIndex 0-based index of its document in a file, -1 when not from a file
 * @param object        the object as written, for /debug/configz
 * @param converted     its services, endpoints or rule; what changes are measured by
 */
public record RegistryObject(ConfigKey key, String source, int documentIndex, HasMetadata object, Converted converted) {
    public RegistryObject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(converted, "converted");
    }

    /** "file.yaml[doc 2]", or just the source when the object is not from a file, for messages. */
    public String location() {
        return documentIndex < 0 ? source : source + "[doc " + documentIndex + "]";
    }
}
