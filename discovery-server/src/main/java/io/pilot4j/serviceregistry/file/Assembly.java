package io.pilot4j.serviceregistry.file;

import io.pilot4j.model.ConfigError;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.serviceregistry.StoredConfig;

import java.util.List;
import java.util.Map;

/**
 * The registry's state built from all files at one moment; immutable, swapped whole.
 *
 * @param snapshot  services, endpoints and errors, for the push snapshot
 * @param configs   the objects in effect, sorted by key, for /debug/configz
 * @param objects   the objects in effect by key, to tell what a change changed
 * @param conflicts objects ignored because another file (or document) already defines them; also in the snapshot errors
 */
record Assembly(RegistrySnapshot snapshot, List<StoredConfig> configs, Map<ConfigKey, FileObject> objects, List<ConfigError> conflicts) {
    Assembly {
        configs = List.copyOf(configs);
        objects = Map.copyOf(objects);
        conflicts = List.copyOf(conflicts);
    }

    static Assembly empty(String provider) {
        return new Assembly(RegistrySnapshot.empty(provider), List.of(), Map.of(), List.of());
    }
}
