package io.pilot4j.serviceregistry.file;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.model.ConfigKey;

import java.util.Objects;

/**
 * One object of a file, converted: what a file contributes while its content is good.
 *
 * @param key           kind/namespace/name; the same key in two files is a conflict
 * @param source        the file
 * @param documentIndex 0-based index of its document in the file
 * @param object        the object as written, for /debug/configz and change detection
 * @param converted     its services or endpoints
 */
record FileObject(ConfigKey key, String source, int documentIndex, HasMetadata object, Converted converted) {
    FileObject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(converted, "converted");
    }

    /** "file.yaml[doc 2]", for messages. */
    String location() {
        return source + "[doc " + documentIndex + "]";
    }
}
