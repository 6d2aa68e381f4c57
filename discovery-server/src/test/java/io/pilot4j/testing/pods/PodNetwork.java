package io.pilot4j.testing.pods;

import io.pilot4j.testing.Executables;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Pods on this machine: Linux network namespaces on one bridge, {@value #BRIDGE_IP}/24, pods from .2 up. Everything
 * it makes is named {@value #PREFIX}..., so a run that was killed before {@link #close()} is cleaned up by the next
 * {@link #create}. The subnet is routed only between the bridge and its pods: no NAT, no forwarding to the outside.
 * One network at a time per machine (a file lock), because the names and the subnet are fixed.
 */
public final class PodNetwork implements AutoCloseable {
    static final String PREFIX = "p4j-";
    static final String BRIDGE = PREFIX + "br0";
    public static final String BRIDGE_IP = "10.250.0.1";
    private static final String SUBNET = "10.250.0.";
    private static final int MAX_PODS = 200;
    /** Under /tmp rather than a test's temp dir: uid 1337 must reach it, and JUnit's temp dirs are private to root. */
    static final Path WORK_ROOT = Path.of("/tmp", PREFIX + "pods");
    private static final Path LOCK = Path.of("/tmp", PREFIX + "pods.lock");

    private final FileChannel lockFile;
    private final FileLock lock;
    private final Path logDir;
    private final List<Pod> pods = new ArrayList<>();

    private PodNetwork(FileChannel lockFile, FileLock lock, Path logDir) {
        this.lockFile = lockFile;
        this.lock = lock;
        this.logDir = logDir;
    }

    /**
     * Makes the bridge, or skips the calling test when this machine cannot (not root, no {@code ip}).
     *
     * @param logDir where the pods' processes write their output; kept after {@link #close()} for post-mortems
     */
    public static PodNetwork create(Path logDir) {
        assumeCapable();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            // Blocks while another test JVM holds the network; the kernel drops the lock if that JVM dies.
            FileLock lock = channel.lock();
            PodNetwork network = new PodNetwork(channel, lock, logDir.toAbsolutePath());
            try {
                network.start();
            } catch (RuntimeException | IOException e) {
                network.close();
                throw e;
            }
            return network;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException(e);
        }
    }

    /** Skips the calling test unless this machine can make pods: root, and the ip command. */
    static void assumeCapable() {
        boolean root = "0".equals(Commands.attempt(List.of("id", "-u")).output().strip());
        boolean ip = Commands.onPath("ip");
        String skip = !root ? "not root (network namespaces need it): skipping pod tests"
                : "no ip command (apt-get install iproute2): skipping pod tests";
        if (!root || !ip) {
            Executables.announceSkip(skip);
        }
        Assumptions.assumeTrue(root && ip, skip);
    }

    private void start() throws IOException {
        removeLeftovers();
        Files.createDirectories(logDir);
        Files.createDirectories(WORK_ROOT);
        Files.setPosixFilePermissions(WORK_ROOT, PosixFilePermissions.fromString("rwxr-xr-x"));
        Commands.run(List.of("ip", "link", "add", BRIDGE, "type", "bridge"));
        Commands.run(List.of("ip", "addr", "add", BRIDGE_IP + "/24", "dev", BRIDGE));
        Commands.run(List.of("ip", "link", "set", BRIDGE, "up"));
    }

    /** A new pod on the bridge, with the next free address. */
    public Pod addPod(String name) {
        int index = pods.size() + 1;
        if (index >= MAX_PODS) {
            throw new IllegalStateException("at most " + MAX_PODS + " pods");
        }
        String ip = SUBNET + (index + 1);
        // Interface names have at most 15 characters, so links are numbered, not named after the pod.
        String host = PREFIX + "h" + index;
        String peer = PREFIX + "c" + index;
        Pod pod = new Pod(this, name, PREFIX + name, ip, WORK_ROOT.resolve(name), logDir.resolve(name));
        pods.add(pod);
        Commands.run(List.of("ip", "netns", "add", pod.netns()));
        Commands.run(List.of("ip", "link", "add", host, "type", "veth", "peer", "name", peer));
        Commands.run(List.of("ip", "link", "set", host, "master", BRIDGE, "up"));
        Commands.run(List.of("ip", "link", "set", peer, "netns", pod.netns()));
        pod.run(List.of("ip", "link", "set", peer, "name", "eth0"));
        pod.run(List.of("ip", "addr", "add", ip + "/24", "dev", "eth0"));
        pod.run(List.of("ip", "link", "set", "eth0", "up"));
        pod.run(List.of("ip", "link", "set", "lo", "up"));
        // Everything else (the service VIPs, 10.96/16) goes to the bridge: a route must exist for a connect to
        // reach the nat table, where the sidecar's rules redirect it; nothing on the host forwards it further.
        pod.run(List.of("ip", "route", "add", "default", "via", BRIDGE_IP));
        return pod;
    }

    /**
     * A copy of a binary uid 1337 can run: the agent and Envoy usually live under /root (pip, the build cache),
     * which other users cannot enter. A hard link when on the same file system, else a copy.
     */
    Path shared(Path binary) {
        Path bin = WORK_ROOT.resolve("bin");
        Path target = bin.resolve(binary.getFileName());
        try {
            Files.createDirectories(bin);
            Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                Path real = binary.toRealPath();
                try {
                    Files.createLink(target, real);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(real, target);
                }
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Pod> pods() {
        return List.copyOf(pods);
    }

    /** The output of every process of every pod, for a failing test's report. */
    public String logs() {
        StringBuilder all = new StringBuilder();
        for (Pod pod : pods) {
            all.append(pod.logs());
        }
        return all.toString();
    }

    /** Removes pods (their processes first), links and files; best effort, and safe after a failed start. */
    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            for (Pod pod : pods) {
                try {
                    pod.close();
                } catch (RuntimeException | AssertionError e) {
                    // The other pods still go; the first failure is reported once all is gone.
                    failure = failure == null ? new IllegalStateException("tear-down of " + pod.name() + " failed", e) : failure;
                }
            }
            removeLeftovers();
            if (failure != null) {
                throw failure;
            }
        } finally {
            try {
                lock.release();
            } catch (IOException ignored) {
                // Closing the channel releases it too.
            }
            closeQuietly(lockFile);
        }
    }

    /** Whatever carries the prefix: this network's own pieces, or those of a run that was killed. */
    private static void removeLeftovers() {
        for (String line : Commands.attempt(List.of("ip", "netns", "list")).output().split("\n")) {
            String ns = line.strip().split("\\s+")[0];
            if (ns.startsWith(PREFIX)) {
                Pod.killAll(ns);
                Commands.attempt(List.of("ip", "netns", "delete", ns));
            }
        }
        // Deleting a namespace deletes the veth end in it and so its peer; the bridge and strays remain.
        for (String line : Commands.attempt(List.of("ip", "-o", "link", "show")).output().split("\n")) {
            String[] fields = line.split(":\\s+", 3);
            if (fields.length > 1) {
                String name = fields[1].split("@")[0];
                if (name.startsWith(PREFIX)) {
                    Commands.attempt(List.of("ip", "link", "delete", name));
                }
            }
        }
        deleteTree(WORK_ROOT);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // A socket a dying process still holds: the next run's clean-up gets it.
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // As above.
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }
}
