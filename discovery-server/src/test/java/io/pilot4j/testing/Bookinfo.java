package io.pilot4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The shipped Bookinfo example's traffic rules, as they are in {@code examples/bookinfo/networking.yaml}, and
 * services for them whose endpoints are loopback backends: what the example's pods would be, on one machine.
 */
public final class Bookinfo {
    public static final String REVIEWS = "reviews.default.svc.cluster.local";
    public static final String RATINGS = "ratings.default.svc.cluster.local";
    private static final Path NETWORKING = Path.of("..", "examples", "bookinfo", "networking.yaml");

    private Bookinfo() {
    }

    /** The example's rules, read from the file itself. */
    public static String networking() {
        try {
            return Files.readString(NETWORKING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * reviews with endpoints labelled {@code version: v1, v2, v3} and ratings with one endpoint labelled v1, all on
     * 127.0.0.1, both on {@code port} with this protocol (HTTP for Envoy, GRPC for gRPC clients).
     *
     * @param reviews the backend ports of reviews v1, v2 and v3
     */
    public static String services(String protocol, int port, List<Integer> reviews, int ratings) {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: reviews, namespace: default}
                spec:
                  hosts: [%1$s]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports: [{number: %3$d, name: main, protocol: %4$s}]
                  endpoints:
                  - {address: 127.0.0.1, ports: {main: %5$d}, labels: {app: reviews, version: v1}}
                  - {address: 127.0.0.1, ports: {main: %6$d}, labels: {app: reviews, version: v2}}
                  - {address: 127.0.0.1, ports: {main: %7$d}, labels: {app: reviews, version: v3}}
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: ratings, namespace: default}
                spec:
                  hosts: [%2$s]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports: [{number: %3$d, name: main, protocol: %4$s}]
                  endpoints:
                  - {address: 127.0.0.1, ports: {main: %8$d}, labels: {app: ratings, version: v1}}
                """.formatted(REVIEWS, RATINGS, port, protocol, reviews.get(0), reviews.get(1), reviews.get(2), ratings);
    }
}
