package io.pilot4j.load.raw;

import io.pilot4j.load.workload.ServiceSpec;
import io.pilot4j.load.workload.Workload;
import io.pilot4j.load.workload.WorkloadDir;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches a workload directory (flat, as {@code xds-load workload} writes it) and hands over the whole workload
 * after each batch of changes, once the directory has been quiet for {@code quiet}: the floor's stand-in for a
 * control plane's file watch and debounce, so that both sides of a comparison wait alike.
 */
final class DirWatcher implements AutoCloseable {
    /** A steady stream of changes still gets pushed at least this often. */
    private static final Duration MAX_BATCH = Duration.ofSeconds(1);

    private final Path dir;
    private final Duration quiet;
    private final WatchService watcher;
    private final Map<Path, ServiceSpec> services = new TreeMap<>();
    private final Thread thread;

    DirWatcher(Path dir, Duration quiet, Consumer<Workload> onChange) throws IOException {
        this.dir = dir;
        this.quiet = quiet;
        this.watcher = dir.getFileSystem().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        for (ServiceSpec s : WorkloadDir.read(dir).services()) {
            services.put(dir.resolve(s.fileName()), s);
        }
        this.thread = new Thread(() -> run(onChange), "floor-watch");
        this.thread.setDaemon(true);
    }

    Workload workload() {
        return new Workload(services.values().stream().toList());
    }

    void start() {
        thread.start();
    }

    private void run(Consumer<Workload> onChange) {
        while (true) {
            Set<Path> changed = new TreeSet<>();
            try {
                collect(watcher.take(), changed);
                long deadline = System.nanoTime() + MAX_BATCH.toNanos();
                while (System.nanoTime() < deadline) {
                    WatchKey next = watcher.poll(quiet.toNanos(), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    collect(next, changed);
                }
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            }
            boolean any = false;
            for (Path file : changed) {
                try {
                    ServiceSpec s = WorkloadDir.read(file, false);
                    any |= s == null ? services.remove(file) != null : !s.equals(services.put(file, s));
                } catch (RuntimeException e) {
                    // A file the workload command did not write: keep what was there, as a control plane would.
                    System.err.println("floor: ignoring " + file + ": " + e.getMessage());
                }
            }
            if (any) {
                onChange.accept(workload());
            }
        }
    }

    private void collect(WatchKey key, Set<Path> changed) {
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.context() instanceof Path p) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && name.endsWith(".yaml")) {
                    changed.add(dir.resolve(p));
                }
            }
        }
        key.reset();
    }

    @Override
    public void close() throws IOException {
        watcher.close();
        thread.interrupt();
    }
}
