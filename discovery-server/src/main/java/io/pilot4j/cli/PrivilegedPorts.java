package io.pilot4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether an Envoy started by the user running this command may bind ports below 1024. A local Envoy under
 * INTERCEPTION_MODE NONE binds each service port itself; where it may not, the bootstrap says UNPRIVILEGED_POD
 * (Istio's metadata for a non-root proxy) and those ports get no listener, instead of a listener Envoy rejects.
 */
final class PrivilegedPorts {
    private static final Path UNPRIVILEGED_PORT_START = Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start");
    private static final Path SELF = Path.of("/proc/self");

    private PrivilegedPorts() {
    }

    /** Only Linux says no: macOS lets anyone bind low ports since 10.14, and elsewhere we cannot tell. */
    static boolean bindable() {
        if (!Files.isReadable(UNPRIVILEGED_PORT_START)) {
            return true;
        }
        try {
            int start = Integer.parseInt(Files.readString(UNPRIVILEGED_PORT_START, StandardCharsets.US_ASCII).trim());
            // /proc/self belongs to the uid this process runs as.
            int uid = (Integer) Files.getAttribute(SELF, "unix:uid");
            return uid == 0 || start == 0;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }
}
