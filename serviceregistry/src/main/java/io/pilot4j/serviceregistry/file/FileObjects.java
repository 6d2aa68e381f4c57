package io.pilot4j.serviceregistry.file;

import io.pilot4j.model.ConfigError;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.serviceregistry.RegistryObject;
import io.pilot4j.serviceregistry.RegistryState;
import io.pilot4j.serviceregistry.RegistryStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The objects of a config directory's files, kept as files change: the first definition of an object in path order
 * (then document order) is in effect and later ones are reported; the first declaration of a hostname by path wins
 * too. A file change costs its own objects: only their keys are looked at again, and only what they touch is derived
 * again ({@link RegistryStore}). Not thread-safe: the file registry's one writer.
 */
final class FileObjects {
    /** Where a definition is: a file and a document in it; path order, then document order. */
    private record Site(Path path, int document) implements Comparable<Site> {
        static Site of(RegistryObject o) {
            return new Site(Path.of(o.source()), o.documentIndex());
        }

        @Override
        public int compareTo(Site o) {
            int c = path.compareTo(o.path);
            return c != 0 ? c : Integer.compare(document, o.document);
        }
    }

    private static final Comparator<RegistryObject> BY_PATH = Comparator.comparing(Site::of).thenComparing(RegistryObject::key);

    private final RegistryStore store;
    private final Map<ConfigKey, TreeMap<Site, RegistryObject>> definitions = new HashMap<>();
    /** Per object, its definitions ignored because an earlier one is in effect. */
    private final Map<ConfigKey, List<ConfigError>> duplicates = new HashMap<>();
    private final TreeMap<Path, List<ConfigError>> fileErrors = new TreeMap<>();
    private final Set<ConfigKey> touched = new HashSet<>();
    private boolean errorsTouched;
    private List<ConfigError> errors = List.of();

    FileObjects(String provider) {
        this.store = new RegistryStore(provider, BY_PATH);
    }

    /** Files from scratch, as a registry holding just them: for {@code discovery validate} and tests. */
    static FileObjects of(String provider, Collection<ConfigFile> files) {
        FileObjects objects = new FileObjects(provider);
        for (ConfigFile f : files) {
            objects.update(f.path(), null, f);
        }
        objects.commit();
        return objects;
    }

    /** A file changed from {@code before} to {@code after}; either is null for a file that is new or gone. */
    void update(Path path, ConfigFile before, ConfigFile after) {
        if (before != null) {
            for (RegistryObject o : before.objects()) {
                TreeMap<Site, RegistryObject> sites = definitions.get(o.key());
                if (sites != null) {
                    sites.remove(Site.of(o));
                }
                touched.add(o.key());
            }
        }
        if (after != null) {
            for (RegistryObject o : after.objects()) {
                definitions.computeIfAbsent(o.key(), k -> new TreeMap<>()).put(Site.of(o), o);
                touched.add(o.key());
            }
        }
        List<ConfigError> errors = after == null ? List.of() : after.errors();
        List<ConfigError> old = errors.isEmpty() ? fileErrors.remove(path) : fileErrors.put(path, errors);
        errorsTouched |= !errors.equals(old == null ? List.of() : old);
    }

    /** Applies the updates since the last commit; what they changed. */
    RegistryStore.Delta commit() {
        List<RegistryObject> puts = new ArrayList<>();
        List<ConfigKey> deletes = new ArrayList<>();
        for (ConfigKey key : touched) {
            TreeMap<Site, RegistryObject> sites = definitions.get(key);
            List<ConfigError> ignored = new ArrayList<>();
            if (sites == null || sites.isEmpty()) {
                definitions.remove(key);
                deletes.add(key);
            } else {
                RegistryObject first = sites.firstEntry().getValue();
                if (store.get(key) != first) {
                    puts.add(first);
                }
                for (RegistryObject other : sites.values()) {
                    if (other != first) {
                        ignored.add(new ConfigError(other.source(), other.documentIndex(), key.kind().kubeKind(), key.namespace(),
                                key.name(), "already defined in " + first.location() + ", which comes first by path and wins; "
                                + "this definition is ignored"));
                    }
                }
            }
            List<ConfigError> old = ignored.isEmpty() ? duplicates.remove(key) : duplicates.put(key, List.copyOf(ignored));
            errorsTouched |= !ignored.equals(old == null ? List.of() : old);
        }
        touched.clear();
        if (errorsTouched) {
            errors = errors();
            errorsTouched = false;
        }
        return store.apply(puts, deletes, errors);
    }

    /** Each file's errors in path order, then the ignored definitions in path and document order. */
    private List<ConfigError> errors() {
        List<ConfigError> out = new ArrayList<>();
        fileErrors.values().forEach(out::addAll);
        List<ConfigError> ignored = new ArrayList<>();
        duplicates.values().forEach(ignored::addAll);
        ignored.sort(Comparator.comparing((ConfigError e) -> Path.of(e.source())).thenComparingInt(ConfigError::documentIndex));
        out.addAll(ignored);
        return List.copyOf(out);
    }

    RegistryState state() {
        return store.state();
    }

    /** Definitions ignored: an object defined twice, a hostname declared twice. */
    List<ConfigError> conflicts() {
        List<ConfigError> out = new ArrayList<>();
        duplicates.values().forEach(out::addAll);
        out.sort(Comparator.comparing((ConfigError e) -> Path.of(e.source())).thenComparingInt(ConfigError::documentIndex));
        out.addAll(store.state().conflicts());
        return out;
    }
}
