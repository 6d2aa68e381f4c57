package io.pilot4j.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports nothing listens on right now, for processes that bind a port they are told (a local Envoy's services with
 * INTERCEPTION_MODE NONE, etcd and kube-apiserver): fixed numbers would collide with whatever else runs on the
 * machine, other test JVMs included.
 *
 * <p>They come from below the kernel's ephemeral range. A port the kernel hands out for "any port" (a server bound to
 * port 0, the local end of an outgoing connection) could be given again as soon as it is released, so a test that
 * picked one and bound it a moment later sometimes found its own xDS server there. Below the range, only another
 * picker can take it. Each JVM starts at its own place in the range (by process id), so test JVMs rarely try the same
 * ports, and a port found taken is skipped.
 */
public final class FreePorts {
    private static final int FIRST = 10_000;
    private static final int END = ephemeralStart();
    private static final AtomicInteger NEXT = new AtomicInteger((int) (ProcessHandle.current().pid() * 7919 % (END - FIRST)));

    private FreePorts() {
    }

    /** {@code count} distinct ports, each free on every address when picked. */
    public static int[] pick(int count) {
        int[] ports = new int[count];
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < count; i++) {
            ports[i] = next(taken);
            taken.add(ports[i]);
        }
        return ports;
    }

    private static int next(Set<Integer> taken) {
        for (int tries = 0; tries < END - FIRST; tries++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), END - FIRST);
            if (!taken.contains(port) && isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + "-" + (END - 1));
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(port)); // the wildcard address: free on 127.0.0.x as well
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first ephemeral port (Linux: ip_local_port_range; elsewhere 32768, below macOS's and Windows' 49152). */
    private static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > FIRST + 1000 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
