package io.pilot4j.cli;

import io.pilot4j.server.MeshConfigFile;
import io.pilot4j.server.StartupException;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --meshConfig}, as both {@code discovery} and {@code bootstrap} take it (Istio's default path). */
final class MeshConfigOption {
    static final String DEFAULT_MESH_CONFIG = "./etc/istio/config/mesh";

    @Option(names = "--meshConfig", paramLabel = "FILE",
            description = "File name for Istio mesh configuration (JSON or YAML). Default: " + DEFAULT_MESH_CONFIG
                    + "; when the default file is missing, Istio's defaults apply")
    Path meshConfig;

    Path path() {
        return explicit() ? meshConfig : Path.of(DEFAULT_MESH_CONFIG);
    }

    /** A file the user named must exist; the default one may be missing. */
    boolean explicit() {
        return meshConfig != null;
    }

    MeshConfigFile.Loaded load() throws StartupException {
        return MeshConfigFile.load(path(), explicit());
    }
}
