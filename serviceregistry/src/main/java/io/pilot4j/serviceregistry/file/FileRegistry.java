package io.pilot4j.serviceregistry.file;

import io.pilot4j.serviceregistry.ConfigChanges;
import io.pilot4j.serviceregistry.RegistryState;
import io.pilot4j.serviceregistry.RegistryStore;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.ServiceRegistry;
import io.pilot4j.model.XdsUpdater;
import io.pilot4j.serviceregistry.ConfigStore;
import io.pilot4j.serviceregistry.StoredConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code --configDir} registry: Kubernetes Services, Endpoints, EndpointSlices, Istio ServiceEntries and traffic
 * rules (VirtualService, DestinationRule, Sidecar, Gateway) read from YAML and JSON files under a directory, kept current by watching it (what Istio's file-based config source is
 * to pilot-discovery). A file is applied whole or not at all; a bad file keeps its last good content and its errors
 * stay in {@link #snapshot()} until it is fixed. Changes are reported to the {@link XdsUpdater} once per batch.
 *
 * <p>Thread-safe: state is an immutable {@link RegistryState} swapped atomically by the one thread that reads files, so
 * {@link #snapshot()} and {@link #configs()} never wait for I/O.
 */
public final class FileRegistry implements ServiceRegistry, ConfigStore, AutoCloseable {
    public static final String PROVIDER = "File";
    // Istio's "file" scope (io.pilot4j.log.Scope.FILE), named here: scopes are the server's, this module has none.
    private static final Logger LOG = LoggerFactory.getLogger("file");

    private final Path dir;
    private final XdsUpdater updater;
    private final FileLoader loader;
    private final Object writeLock = new Object();
    /** Per file, in path order; only touched under writeLock. */
    private final TreeMap<Path, ConfigFile> files = new TreeMap<>();
    /** What the files hold in effect; only touched under writeLock. */
    private final FileObjects objects = new FileObjects(PROVIDER);
    private volatile RegistryState state = RegistryState.empty(PROVIDER);
    private volatile boolean synced;
    private ConfigDirectory directory;

    /**
     * @param dir          the directory to read, recursively
     * @param domainSuffix the cluster domain of Kubernetes Service hostnames, e.g. cluster.local
     * @param updater      told about every change after the initial load
     */
    public FileRegistry(Path dir, String domainSuffix, XdsUpdater updater) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.updater = Objects.requireNonNull(updater, "updater");
        this.loader = new FileLoader(Objects.requireNonNull(domainSuffix, "domainSuffix"));
    }

    /**
     * Loads every file before returning, then watches the directory in a background thread. The initial load raises
     * no push: {@link #hasSynced()} tells the server it may build its first snapshot.
     *
     * @throws UncheckedIOException when the directory does not exist, is not a directory, or cannot be watched
     */
    public void start() {
        try {
            if (!Files.exists(dir)) {
                throw new NoSuchFileException(dir.toString(), null, "configDir does not exist");
            }
            if (!Files.isDirectory(dir)) {
                throw new NotDirectoryException(dir.toString());
            }
            synchronized (writeLock) {
                if (directory != null) {
                    throw new IllegalStateException("already started");
                }
                directory = new ConfigDirectory(dir);
                // Register the watch before reading, so that a change made during the initial load is not lost.
                SortedSet<Path> found = directory.scan();
                for (Path file : found) {
                    read(file);
                }
                commit();
                synced = true;
                RegistrySnapshot s = state.snapshot();
                LOG.info("loaded {} services and {} traffic rules from {} files in {} ({} errors)", s.services().size(),
                        s.rules().virtualServices().size() + s.rules().destinationRules().size() + s.rules().sidecars().size()
                                + s.rules().gateways().size(), found.size(), dir, s.errors().size());
                directory.watch(this::apply);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--configDir " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        ConfigDirectory d;
        synchronized (writeLock) {
            d = directory;
        }
        if (d != null) {
            try {
                d.close();
            } catch (IOException e) {
                LOG.warn("closing the watch of {}: {}", dir, e.toString());
            }
        }
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public RegistrySnapshot snapshot() {
        return state.snapshot();
    }

    @Override
    public boolean hasSynced() {
        return synced;
    }

    @Override
    public List<StoredConfig> configs() {
        return state.configs();
    }

    /** One batch from the watch: re-read what changed, rebuild, and report if anything in effect changed. */
    private void apply(Set<Path> changed, boolean rescan) {
        synchronized (writeLock) {
            Set<Path> candidates = new TreeSet<>(changed);
            if (rescan) {
                SortedSet<Path> present = directory.scan();
                candidates.addAll(present);
                for (Path known : files.keySet()) {
                    if (!present.contains(known)) {
                        candidates.add(known);
                    }
                }
            }
            boolean any = false;
            for (Path file : candidates) {
                any |= Files.isRegularFile(file) ? read(file) : forget(file);
            }
            if (!any) {
                return;
            }
            Optional<PushRequest> push = ConfigChanges.pushRequest(commit(), Instant.now());
            if (push.isPresent()) {
                LOG.debug("{}: {} changed, requesting {} push", dir, push.get().configsUpdated(),
                        push.get().full() ? "a full" : "an endpoints");
                updater.configUpdate(push.get());
            }
        }
    }

    /** Re-reads one file; false when its content is what the registry already has. */
    private boolean read(Path file) {
        ConfigFile previous = files.get(file);
        String content;
        try {
            content = Files.readString(file);
        } catch (NoSuchFileException e) {
            return forget(file);
        } catch (CharacterCodingException e) {
            return replace(file, previous, loader.unreadable(file, "not UTF-8 text", previous));
        } catch (IOException e) {
            return replace(file, previous, loader.unreadable(file, e.toString(), previous));
        }
        if (previous != null && content.equals(previous.content())) {
            return false;
        }
        return replace(file, previous, loader.load(file, content, previous));
    }

    private boolean replace(Path file, ConfigFile previous, ConfigFile next) {
        files.put(file, next);
        objects.update(file, previous, next);
        return true;
    }

    private boolean forget(Path file) {
        ConfigFile previous = files.remove(file);
        if (previous == null) {
            return false;
        }
        objects.update(file, previous, null);
        LOG.info("{}: removed", file);
        return true;
    }

    /** Applies what the files read since the last commit changed; logs conflicts that are new. */
    private RegistryStore.Delta commit() {
        List<ConfigError> before = objects.conflicts();
        RegistryStore.Delta delta = objects.commit();
        state = objects.state();
        if (delta.errorsChanged()) {
            for (ConfigError conflict : objects.conflicts()) {
                if (!before.contains(conflict)) {
                    LOG.error("rejected {}", conflict);
                }
            }
        }
        return delta;
    }

    /** For tests: the files the registry holds, in path order. */
    SortedMap<Path, ConfigFile> files() {
        synchronized (writeLock) {
            return Collections.unmodifiableSortedMap(new TreeMap<>(files));
        }
    }
}
