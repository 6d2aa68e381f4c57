package io.pilot4j.push;

import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.ConfigError;

import java.util.Optional;

/** The mesh config in effect, and the latest edit of the mesh file that was refused, if the file is in that state. */
public interface MeshHolder {
    MeshConfig mesh();

    Optional<ConfigError> rejectedEdit();

    /** A mesh config that never changes (tests, tools). */
    static MeshHolder fixed(MeshConfig mesh) {
        return new MeshHolder() {
            @Override
            public MeshConfig mesh() {
                return mesh;
            }

            @Override
            public Optional<ConfigError> rejectedEdit() {
                return Optional.empty();
            }
        };
    }
}
