package io.pilot4j.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Istio's cluster name {@code direction|port|subset|hostname}, e.g. {@code outbound|9080|v1|reviews.default.svc.cluster.local}
 * (pilot/pkg/model/service.go BuildSubsetKey / ParseSubsetKey). Also the EDS and proxyless-gRPC RDS names.
 */
public record SubsetKey(Direction direction, int port, String subset, String hostname) {

    public enum Direction {
        INBOUND("inbound"), OUTBOUND("outbound");

        private final String value;

        Direction(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    public SubsetKey {
        Objects.requireNonNull(direction, "direction");
        subset = Objects.requireNonNullElse(subset, "");
        Objects.requireNonNull(hostname, "hostname");
    }

    public static SubsetKey outbound(String hostname, int port) {
        return new SubsetKey(Direction.OUTBOUND, port, "", hostname);
    }

    public static Optional<SubsetKey> parse(String name) {
        String[] parts = name.split("\\|", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        Direction direction;
        if (parts[0].equals("outbound")) {
            direction = Direction.OUTBOUND;
        } else if (parts[0].equals("inbound")) {
            direction = Direction.INBOUND;
        } else {
            return Optional.empty();
        }
        int port;
        try {
            port = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (port < 1 || port > 65535 || parts[3].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SubsetKey(direction, port, parts[2], parts[3]));
    }

    @Override
    public String toString() {
        return direction.value() + "|" + port + "|" + subset + "|" + hostname;
    }
}
