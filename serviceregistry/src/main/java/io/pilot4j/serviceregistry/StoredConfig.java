package io.pilot4j.serviceregistry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.model.ConfigKey;

import java.util.Objects;

/**
 * A configuration object as a registry holds it, for /debug/configz: the object as written plus where it came from.
 *
 * @param key           kind/namespace/name
 * @param source        a file path, or "Kubernetes"
 * @param documentIndex index of the YAML document in the file, -1 when not from a file
 * @param object        the parsed object
 */
public record StoredConfig(ConfigKey key, String source, int documentIndex, HasMetadata object) {
    public StoredConfig {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(object, "object");
    }
}
