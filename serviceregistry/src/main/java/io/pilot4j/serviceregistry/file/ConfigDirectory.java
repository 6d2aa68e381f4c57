package io.pilot4j.serviceregistry.file;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The {@code --configDir} tree: which files hold configuration, and a watch that reports changes in batches.
 * Configuration is every {@code *.yaml}, {@code *.yml} and {@code *.json} below the root, hidden names (starting
 * with '.') excluded; symlinks are followed, because a Kubernetes ConfigMap volume presents its files as links into
 * a hidden {@code ..data} directory that it swaps atomically.
 */
final class ConfigDirectory implements Closeable {
    // Istio's "file" scope (io.pilot4j.log.Scope.FILE), named here: scopes are the server's, this module has none.
    private static final Logger LOG = LoggerFactory.getLogger("file");
    /**
     * A burst of events (an editor's write-rename-delete, a ConfigMap swap, a truncate then write) that settles this
     * fast is one batch, so that a file is not read half-written; the pusher debounces further.
     */
    private static final long SETTLE_MILLIS = 50;
    private static final long MAX_BATCH_MILLIS = 250;

    /** Receives each batch of changes on the watch thread. */
    interface Listener {
        /**
         * @param files  config files that were created, modified or deleted
         * @param rescan true when the batch may hide more (a directory came or went, a ConfigMap swap, lost events):
         *               the whole tree must be looked at again
         */
        void changed(Set<Path> files, boolean rescan);
    }

    private final Path root;
    private final WatchService watcher;
    private final Map<Path, WatchKey> watched = new HashMap<>();
    private Thread thread;

    ConfigDirectory(Path root) throws IOException {
        this.root = root;
        this.watcher = root.getFileSystem().newWatchService();
    }

    static boolean isConfigFile(String name) {
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
    }

    /**
     * The config files now in the tree, in path order; also starts watching any directory not watched yet, so call
     * it again after every batch that asks for a rescan.
     */
    synchronized SortedSet<Path> scan() {
        SortedSet<Path> files = new TreeSet<>();
        walk(root, files, new HashSet<>());
        return files;
    }

    private void walk(Path dir, SortedSet<Path> files, Set<Path> visited) {
        try {
            // The same real directory reached twice through links would loop forever or appear twice.
            if (!visited.add(dir.toRealPath())) {
                return;
            }
            WatchKey key = watched.get(dir);
            // A directory deleted and created again under the same name has a new, unwatched inode.
            if (key == null || !key.isValid()) {
                watched.put(dir, dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE));
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (name.startsWith(".")) {
                        continue;
                    }
                    if (Files.isDirectory(entry)) {
                        walk(entry, files, visited);
                    } else if (isConfigFile(name) && Files.isRegularFile(entry)) {
                        files.add(entry);
                    }
                }
            }
        } catch (ClosedWatchServiceException e) {
            // Closing while a rescan runs: nothing more to watch.
        } catch (IOException e) {
            // Gone while walking (a swap, a delete); the event that removed it brings the next batch.
            LOG.debug("cannot list {}: {}", dir, e.toString());
        }
    }

    /** Starts the watch thread; {@link #scan()} must have run first so that the tree is registered. */
    synchronized void watch(Listener listener) {
        thread = new Thread(() -> run(listener), "file-registry-watch " + root);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Listener listener) {
        while (true) {
            Set<Path> files = new TreeSet<>();
            boolean[] rescan = {false};
            try {
                collect(watcher.take(), files, rescan);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_BATCH_MILLIS);
                while (System.nanoTime() < deadline) {
                    WatchKey next = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
                    if (next == null) {
                        break;
                    }
                    collect(next, files, rescan);
                }
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            }
            try {
                listener.changed(files, rescan[0]);
            } catch (RuntimeException e) {
                // One bad batch must not end the watch: the next change re-reads what it needs.
                LOG.error("applying changes in {} failed", root, e);
            }
        }
    }

    private synchronized void collect(WatchKey key, Set<Path> files, boolean[] rescan) {
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                rescan[0] = true;
                continue;
            }
            Path child = dir.resolve((Path) event.context());
            String name = child.getFileName().toString();
            boolean created = event.kind() != StandardWatchEventKinds.ENTRY_DELETE;
            if (name.startsWith(".")) {
                // A ConfigMap swap replaces the hidden ..data link; editors' hidden swap files are regular files.
                rescan[0] |= created && Files.isDirectory(child);
            } else if (isConfigFile(name) && !Files.isDirectory(child)) {
                files.add(child);
            } else if (!created || Files.isDirectory(child)) {
                // A new directory to watch, or something deleted that may have been a directory full of files.
                rescan[0] = true;
            }
        }
        if (!key.reset()) {
            watched.remove(dir);
            rescan[0] = true;
        }
    }

    @Override
    public void close() throws IOException {
        watcher.close();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
