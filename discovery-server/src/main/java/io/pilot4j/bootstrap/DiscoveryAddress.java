package io.pilot4j.bootstrap;

import io.pilot4j.net.IpAddresses;

import java.util.Objects;

/**
 * Where Envoy finds the discovery server ({@code --discoveryAddress}, ProxyConfig.discoveryAddress):
 * {@code host:port} or {@code [v6]:port}. The host is not resolved here: Envoy resolves it, maybe on another machine.
 */
public record DiscoveryAddress(String host, int port) {
    public DiscoveryAddress {
        Objects.requireNonNull(host, "host");
    }

    /** @throws IllegalArgumentException naming the text and what is wanted */
    public static DiscoveryAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            host = ""; // an IPv6 address without brackets: its port cannot be told apart
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("--discoveryAddress: want host:port or [ipv6]:port, got '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = 0;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--discoveryAddress: port in '" + text + "' must be a number from 1 to 65535");
        }
        return new DiscoveryAddress(host, port);
    }

    /** An IP needs no DNS: Envoy can use a STATIC cluster, which is ready before the first lookup would be. */
    public boolean isIp() {
        return IpAddresses.isIp(host);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
