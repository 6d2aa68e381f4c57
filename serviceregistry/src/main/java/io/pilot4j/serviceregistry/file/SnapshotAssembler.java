package io.pilot4j.serviceregistry.file;

import io.pilot4j.model.ConfigError;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.serviceregistry.RegistryObject;
import io.pilot4j.serviceregistry.RegistryState;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the registry's state from its files, taken in path order: the first definition of an object wins and later
 * ones are reported; then {@link RegistryState#assemble} does what every registry does with the objects. Pure: the
 * same files always give the same state, in the same order.
 */
final class SnapshotAssembler {
    private SnapshotAssembler() {
    }

    static RegistryState assemble(String provider, Collection<ConfigFile> filesInPathOrder) {
        List<ConfigError> errors = new ArrayList<>();
        List<ConfigError> conflicts = new ArrayList<>();
        Map<ConfigKey, RegistryObject> objects = new LinkedHashMap<>();
        for (ConfigFile file : filesInPathOrder) {
            errors.addAll(file.errors());
            for (RegistryObject object : file.objects()) {
                RegistryObject first = objects.putIfAbsent(object.key(), object);
                if (first != null) {
                    ConfigKey key = object.key();
                    conflicts.add(new ConfigError(object.source(), object.documentIndex(), key.kind().kubeKind(), key.namespace(),
                            key.name(), "already defined in " + first.location() + ", which comes first by path and wins; this definition is ignored"));
                }
            }
        }
        return RegistryState.assemble(provider, objects.values(), errors, conflicts);
    }
}
