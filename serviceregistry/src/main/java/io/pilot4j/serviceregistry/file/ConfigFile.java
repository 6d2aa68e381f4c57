package io.pilot4j.serviceregistry.file;

import io.pilot4j.serviceregistry.RegistryObject;
import io.pilot4j.model.ConfigError;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the registry knows about one file. A file is applied whole: while any document of its latest content is bad,
 * {@code objects} still holds the objects of its last good content (none if it never was good) and {@code errors}
 * says why the latest content was refused.
 *
 * @param path     the file
 * @param content  its latest content, to tell a real change from a rewrite of the same bytes; null when it could
 *                 not be read
 * @param objects  the objects in effect from this file, in document order
 * @param errors   one per bad document of the latest content; empty when it is applied
 * @param warnings unknown fields of the latest content, which are ignored
 */
record ConfigFile(Path path, String content, List<RegistryObject> objects, List<ConfigError> errors, List<String> warnings) {
    ConfigFile {
        Objects.requireNonNull(path, "path");
        objects = List.copyOf(objects);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }
}
