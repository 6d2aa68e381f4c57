package io.pilot4j.serviceregistry;

import io.pilot4j.model.ConfigError;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.PersistentMap;
import io.pilot4j.model.RegistrySnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A registry's state at one moment, as its {@link RegistryStore} derived it; immutable, swapped whole.
 */
public final class RegistryState {
    private final RegistrySnapshot snapshot;
    private final PersistentMap<ConfigKey, RegistryObject> objects;
    private final List<ConfigError> conflicts;
    /** Made on first read: only /debug/configz asks. */
    private volatile List<StoredConfig> configs;

    /**
     * @param snapshot  services, endpoints and errors, for the push snapshot
     * @param objects   the objects in effect by key
     * @param conflicts declarations of a hostname ignored because another object already declares it; also in the
     *                  snapshot's errors
     */
    RegistryState(RegistrySnapshot snapshot, PersistentMap<ConfigKey, RegistryObject> objects, List<ConfigError> conflicts) {
        this.snapshot = snapshot;
        this.objects = objects;
        this.conflicts = List.copyOf(conflicts);
    }

    public static RegistryState empty(String provider) {
        return new RegistryState(RegistrySnapshot.empty(provider), PersistentMap.empty(), List.of());
    }

    public RegistrySnapshot snapshot() {
        return snapshot;
    }

    /** The objects in effect, by key. */
    public Map<ConfigKey, RegistryObject> objects() {
        return objects;
    }

    /** Hostname declarations ignored because an object earlier by key declares the hostname. */
    public List<ConfigError> conflicts() {
        return conflicts;
    }

    /** The objects in effect, sorted by key, for /debug/configz. */
    public List<StoredConfig> configs() {
        List<StoredConfig> c = configs;
        if (c == null) {
            List<StoredConfig> out = new ArrayList<>(objects.size());
            for (RegistryObject o : new TreeMap<>(objects).values()) {
                out.add(new StoredConfig(o.key(), o.source(), o.documentIndex(), o.object()));
            }
            c = List.copyOf(out);
            configs = c;
        }
        return c;
    }

    @Override
    public String toString() {
        return "RegistryState[" + snapshot.provider() + ": " + objects.size() + " objects, " + snapshot.services().size() + " services]";
    }
}
