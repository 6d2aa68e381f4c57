package io.pilot4j.model;

import java.util.Objects;

/** One port of a service as clients see it: name (may be empty for single-port Kubernetes services), number, protocol. */
public record ServicePort(String name, int port, Protocol protocol) {
    public ServicePort {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range 1-65535");
        }
    }
}
