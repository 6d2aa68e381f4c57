package io.pilot4j.cli;

import java.net.InetSocketAddress;

/** Istio's listen addresses: {@code host:port}, {@code :port} (all interfaces) or {@code [v6]:port}; port 0 is ephemeral. */
final class HostPort {
    private HostPort() {
    }

    static InetSocketAddress parse(String flag, String value) {
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(flag + ": want host:port or :port, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        String portText = value.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": port '" + portText + "' in '" + value + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + ": port " + port + " in '" + value + "' is out of range 0-65535");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            return new InetSocketAddress(port);
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(flag + ": host '" + host + "' in '" + value + "' does not resolve");
        }
        return address;
    }
}
