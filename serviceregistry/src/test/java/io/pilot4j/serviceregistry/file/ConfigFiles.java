package io.pilot4j.serviceregistry.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes config files the way users and tools do: whole, or through a temporary file renamed into place. */
final class ConfigFiles {
    private ConfigFiles() {
    }

    static Path write(Path dir, String relative, String content) {
        try {
            Path file = dir.resolve(relative);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As editors and kubectl-like tools do: write a hidden temporary file, then rename it over the target. */
    static Path replace(Path dir, String relative, String content) {
        try {
            Path file = dir.resolve(relative);
            Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(temp, content);
            return Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String service(String name, String clusterIp, int port) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: %s
                  namespace: default
                spec:
                  clusterIP: %s
                  ports:
                  - name: http
                    port: %d
                """.formatted(name, clusterIp, port);
    }

    static String slice(String name, String service, String... ips) {
        StringBuilder eps = new StringBuilder();
        for (String ip : ips) {
            eps.append("- addresses: [\"").append(ip).append("\"]\n  conditions: {ready: true}\n");
        }
        return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s
                  namespace: default
                  labels: {kubernetes.io/service-name: %s}
                addressType: IPv4
                ports:
                - {name: http, port: 9080}
                endpoints:
                """.formatted(name, service) + eps;
    }

    static String serviceEntry(String name, String host, int port) {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: %s
                  namespace: default
                spec:
                  hosts: [%s]
                  resolution: DNS
                  ports:
                  - {name: http, number: %d, protocol: HTTP}
                """.formatted(name, host, port);
    }

    static String workloadEntry(String name, String address, String app) {
        return """
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: %s, namespace: default}
                spec: {address: %s, labels: {app: %s}}
                """.formatted(name, address, app);
    }
}
