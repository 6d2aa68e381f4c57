package io.pilot4j.server;

import io.pilot4j.log.Scope;
import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.mesh.MeshConfigException;
import io.pilot4j.mesh.MeshConfigParser;
import io.pilot4j.mesh.ParsedMeshConfig;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.Kind;
import io.pilot4j.push.MeshHolder;
import org.slf4j.Logger;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.Optional;

/**
 * Holds the current mesh config and reloads it when the file changes (Istio's mesh.Watcher). A bad edit
 * is logged and ignored: the previous config stays in effect. The parent directory is watched rather
 * than the file, because editors and Kubernetes ConfigMap mounts replace files instead of writing them.
 */
final class MeshWatcher implements MeshHolder, AutoCloseable {
    private static final Logger log = Scope.MESH.logger();

    private final Path path;
    private final Consumer<MeshConfig> onChange;
    private volatile MeshConfig current;
    private volatile ConfigError rejected;
    private byte[] lastContent;
    private WatchService watcher;
    private Thread thread;

    private MeshWatcher(Path path, MeshConfig initial, byte[] content, Consumer<MeshConfig> onChange) {
        this.path = path;
        this.current = initial;
        this.lastContent = content;
        this.onChange = onChange;
    }

    /**
     * Loads the mesh config. A missing file is an error when the user named it, and Istio's defaults
     * (with one log line) when it is the default path.
     */
    static MeshWatcher load(Path path, boolean explicit, Consumer<MeshConfig> onChange) throws StartupException {
        MeshConfigFile.Loaded loaded = MeshConfigFile.load(path, explicit);
        if (loaded.defaulted()) {
            log.info("no mesh config at {}, using defaults", path);
        } else {
            loaded.warnings().forEach(w -> log.warn("{}: {}", path, w));
            log.info("mesh config loaded from {}", path);
        }
        return new MeshWatcher(path, loaded.config(), loaded.content(), onChange);
    }

    @Override
    public MeshConfig mesh() {
        return current;
    }

    @Override
    public Optional<ConfigError> rejectedEdit() {
        return Optional.ofNullable(rejected);
    }

    /** Starts watching; without a parent directory there is nothing to watch and the config stays fixed. */
    void watch() {
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            log.debug("not watching mesh config: {} does not exist", dir);
            return;
        }
        try {
            watcher = FileSystems.getDefault().newWatchService();
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
            log.warn("cannot watch {} for mesh config changes: {}", dir, e.getMessage());
            return;
        }
        thread = new Thread(this::run, "mesh-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                key.pollEvents();
                key.reset();
                reload();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // Closed.
        }
    }

    /** Re-reads the file; visible for the watcher thread only. */
    private void reload() {
        if (!Files.exists(path)) {
            if (lastContent != null) {
                log.warn("mesh config {} was removed; keeping the last loaded config", path);
                lastContent = null;
            }
            return;
        }
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (IOException e) {
            log.warn("cannot read mesh config {}: {}; keeping the last loaded config", path, e.getMessage());
            return;
        }
        if (Arrays.equals(content, lastContent)) {
            return;
        }
        lastContent = content;
        try {
            ParsedMeshConfig parsed = MeshConfigParser.parse(new String(content, java.nio.charset.StandardCharsets.UTF_8), path.toString());
            parsed.warnings().forEach(w -> log.warn("{}: {}", path, w));
            rejected = null;
            if (parsed.config().equals(current)) {
                return;
            }
            current = parsed.config();
            log.info("mesh config reloaded from {}", path);
            onChange.accept(current);
        } catch (MeshConfigException e) {
            rejected = new ConfigError(path.toString(), -1, Kind.MESH_CONFIG.kubeKind(), "", "", e.fieldPath().isEmpty()
                    ? e.problem() + " (the previous mesh config stays in effect)"
                    : e.fieldPath() + ": " + e.problem() + " (the previous mesh config stays in effect)");
            log.error("invalid mesh config, keeping the previous one: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException ignored) {
                // Nothing to do on shutdown.
            }
        }
    }
}
