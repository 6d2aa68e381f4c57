package io.pilot4j.mesh;

import java.util.List;
import java.util.Objects;

/**
 * A mesh file that loaded, and what the user should hear about it (fields that are ignored), for the server to log.
 */
public record ParsedMeshConfig(MeshConfig config, List<String> warnings) {
    public ParsedMeshConfig {
        Objects.requireNonNull(config, "config");
        warnings = List.copyOf(warnings);
    }
}
