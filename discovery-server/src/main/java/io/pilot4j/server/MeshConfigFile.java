package io.pilot4j.server;

import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.mesh.MeshConfigException;
import io.pilot4j.mesh.MeshConfigParser;
import io.pilot4j.mesh.ParsedMeshConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code --meshConfig} rule every command shares: a file the user named must exist, while a missing default
 * file means Istio's defaults. Nothing is logged here, so a command that prints to stdout (bootstrap) stays clean;
 * callers report {@link Loaded#warnings()} their own way.
 */
public final class MeshConfigFile {
    private MeshConfigFile() {
    }

    /**
     * @param config   the config in effect
     * @param content  the bytes it was parsed from, or null when the default file was missing
     * @param warnings fields that were ignored, to show the user
     */
    public record Loaded(MeshConfig config, byte[] content, List<String> warnings) {
        public Loaded {
            warnings = List.copyOf(warnings);
        }

        public boolean defaulted() {
            return content == null;
        }
    }

    public static Loaded load(Path path, boolean explicit) throws StartupException {
        if (!Files.exists(path)) {
            if (explicit) {
                throw new StartupException("--meshConfig " + path + ": no such file");
            }
            return new Loaded(MeshConfig.defaults(), null, List.of());
        }
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new StartupException("--meshConfig " + path + ": cannot read: " + e.getMessage(), e);
        }
        try {
            ParsedMeshConfig parsed = MeshConfigParser.parse(new String(content, StandardCharsets.UTF_8), path.toString());
            return new Loaded(parsed.config(), content, parsed.warnings());
        } catch (MeshConfigException e) {
            throw new StartupException("invalid mesh config: " + e.getMessage(), e);
        }
    }
}
