package io.pilot4j.serviceregistry.file;

import io.pilot4j.model.ConfigError;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Kind;
import io.pilot4j.model.Locality;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.serviceregistry.StoredConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.pilot4j.serviceregistry.file.ConfigFiles.service;
import static io.pilot4j.serviceregistry.file.ConfigFiles.serviceEntry;
import static io.pilot4j.serviceregistry.file.ConfigFiles.slice;
import static io.pilot4j.serviceregistry.file.ConfigFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The initial load: what a directory of files becomes. Changes after start are in {@link FileRegistryWatchTest}. */
class FileRegistryTest {
    @TempDir
    Path dir;
    private final CapturingUpdater updater = new CapturingUpdater();
    private FileRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private RegistrySnapshot start() {
        registry = new FileRegistry(dir, "cluster.local", updater);
        assertFalse(registry.hasSynced());
        registry.start();
        assertTrue(registry.hasSynced());
        return registry.snapshot();
    }

    private static List<String> hostnames(RegistrySnapshot s) {
        return s.services().stream().map(Service::hostname).toList();
    }

    @Test
    void readsEveryKindFromNestedYamlYmlAndJsonFiles() throws IOException {
        write(dir, "reviews.yaml", service("reviews", "10.96.0.5", 9080) + "---\n" + slice("reviews-1", "reviews", "10.1.0.1", "10.1.0.2"));
        write(dir, "a/b/details.yml", service("details", "10.96.0.6", 9080));
        write(dir, "a/details-endpoints.yaml", """
                apiVersion: v1
                kind: Endpoints
                metadata: {name: details}
                subsets:
                - addresses: [{ip: 10.2.0.1}]
                  notReadyAddresses: [{ip: 10.2.0.2}]
                  ports: [{name: http, port: 9080}]
                """);
        write(dir, "egress/httpbin.json", """
                {"apiVersion": "networking.istio.io/v1beta1", "kind": "ServiceEntry",
                 "metadata": {"name": "httpbin", "namespace": "egress"},
                 "spec": {"hosts": ["httpbin.org"], "resolution": "DNS",
                          "ports": [{"name": "http", "number": 80, "protocol": "HTTP"}]}}
                """);

        RegistrySnapshot s = start();

        assertEquals(List.of(), s.errors());
        assertEquals("File", s.provider());
        assertEquals(List.of("details.default.svc.cluster.local", "httpbin.org", "reviews.default.svc.cluster.local"), hostnames(s));
        assertEquals(new Service("reviews.default.svc.cluster.local", "default", List.of(new ServicePort("http", 9080, Protocol.HTTP)),
                Map.of(), List.of("10.96.0.5"), Resolution.CLIENT_SIDE_LB, false, Set.of()), s.services().get(2));
        assertEquals(List.of(
                new Endpoint("10.1.0.1", 9080, "http", Map.of(), Locality.NONE, 1, HealthStatus.HEALTHY, ""),
                new Endpoint("10.1.0.2", 9080, "http", Map.of(), Locality.NONE, 1, HealthStatus.HEALTHY, "")),
                s.endpoints().get("reviews.default.svc.cluster.local"));
        assertEquals(List.of(HealthStatus.HEALTHY, HealthStatus.UNHEALTHY),
                s.endpoints().get("details.default.svc.cluster.local").stream().map(Endpoint::health).toList());
        assertEquals(List.of(new Endpoint("httpbin.org", 80, "http", Map.of(), Locality.NONE, 1, HealthStatus.HEALTHY, "")),
                s.endpoints().get("httpbin.org"));
        assertEquals(0, updater.count(), "the initial load is not a change");
    }

    @Test
    void configsListTheObjectsInEffectWithTheirFileAndDocument() throws IOException {
        Path file = write(dir, "all.yaml", service("reviews", "10.96.0.5", 9080) + "---\n" + slice("reviews-1", "reviews", "10.1.0.1"));

        start();

        List<StoredConfig> configs = registry.configs();
        assertEquals(List.of(new ConfigKey(Kind.SERVICE, "default", "reviews"), new ConfigKey(Kind.ENDPOINT_SLICE, "default", "reviews-1")),
                configs.stream().map(StoredConfig::key).toList());
        assertEquals(file.toString(), configs.get(1).source());
        assertEquals(1, configs.get(1).documentIndex());
        assertEquals("reviews-1", configs.get(1).object().getMetadata().getName());
    }

    @Test
    void skipsHiddenNamesOtherExtensionsAndUnknownKinds() throws IOException {
        write(dir, ".hidden.yaml", service("hidden", "10.96.0.1", 80));
        write(dir, ".git/config.yaml", service("git", "10.96.0.2", 80));
        write(dir, "notes.txt", service("notes", "10.96.0.3", 80));
        write(dir, "mixed.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: reviews-v1}
                ---
                """ + service("reviews", "10.96.0.5", 9080));

        RegistrySnapshot s = start();

        assertEquals(List.of("reviews.default.svc.cluster.local"), hostnames(s));
        assertEquals(List.of(), s.errors());
    }

    @Test
    void followsSymlinksAsInAConfigMapVolume() throws IOException {
        // kubelet's layout: files are links through ..data, a link to a hidden timestamped directory.
        write(dir, "..2024_01_01/reviews.yaml", service("reviews", "10.96.0.5", 9080));
        Files.createSymbolicLink(dir.resolve("..data"), dir.resolve("..2024_01_01").getFileName());
        Files.createSymbolicLink(dir.resolve("reviews.yaml"), Path.of("..data", "reviews.yaml"));

        RegistrySnapshot s = start();

        assertEquals(List.of("reviews.default.svc.cluster.local"), hostnames(s));
    }

    @Test
    void aMalformedFileIsReportedWithFileDocumentAndLineWhileOtherFilesServe() throws IOException {
        write(dir, "good.yaml", service("good", "10.96.0.1", 80));
        Path bad = write(dir, "bad.yaml", service("first", "10.96.0.2", 80) + """
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: broken
                   namespace: default
                """);

        RegistrySnapshot s = start();

        assertEquals(List.of("good.default.svc.cluster.local"), hostnames(s), "a bad file applies none of its documents");
        assertEquals(List.of(new ConfigError(bad.toString(), 1, "", "", "",
                "invalid YAML at line 16, column 13: mapping values are not allowed here")), s.errors());
    }

    @Test
    void anInvalidFieldIsReportedWithItsPath() throws IOException {
        Path file = write(dir, "se.yaml", """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: ext, namespace: egress}
                spec:
                  hosts: [api.example.com]
                  resolution: DNS
                  ports:
                  - {name: http, number: 80, protocol: HTTP}
                  - {name: https, number: 70000, protocol: HTTPS}
                """);

        RegistrySnapshot s = start();

        assertEquals(List.of(), s.services());
        assertEquals(List.of(new ConfigError(file.toString(), 0, "ServiceEntry", "egress", "ext",
                "spec.ports[1].number: 70000 is out of range 1-65535")), s.errors());
    }

    @Test
    void theSameObjectInTwoFilesKeepsTheFirstByPathAndNamesBoth() throws IOException {
        Path first = write(dir, "a.yaml", service("reviews", "10.96.0.5", 9080));
        Path second = write(dir, "b/reviews.yaml", service("reviews", "10.96.0.99", 9080));

        RegistrySnapshot s = start();

        assertEquals(List.of("10.96.0.5"), s.services().get(0).addresses());
        assertEquals(List.of(new ConfigError(second.toString(), 0, "Service", "default", "reviews",
                "already defined in " + first + "[doc 0], which comes first by path and wins; "
                        + "this definition is ignored")), s.errors());
    }

    @Test
    void aHostDeclaredTwiceKeepsTheFirstDeclaration() throws IOException {
        write(dir, "a.yaml", serviceEntry("one", "api.example.com", 80));
        Path second = write(dir, "b.yaml", serviceEntry("two", "api.example.com", 8080));

        RegistrySnapshot s = start();

        assertEquals(80, s.services().get(0).ports().get(0).port());
        assertEquals(1, s.errors().size());
        assertEquals(second.toString(), s.errors().get(0).source());
        assertTrue(s.errors().get(0).message().startsWith("host api.example.com is already declared by ServiceEntry/default/one in "),
                s.errors().get(0).message());
    }

    @Test
    void unknownFieldsOnlyWarn() throws IOException {
        write(dir, "svc.yaml", service("reviews", "10.96.0.5", 9080).replace("  clusterIP:", "  clusterIp: typo\n  clusterIP:"));

        RegistrySnapshot s = start();

        assertEquals(List.of("reviews.default.svc.cluster.local"), hostnames(s));
        assertEquals(List.of(), s.errors());
        assertEquals(1, registry.files().values().iterator().next().warnings().size());
    }

    @Test
    void aMissingDirectoryFailsToStart() {
        registry = new FileRegistry(dir.resolve("nope"), "cluster.local", updater);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, registry::start);
        assertInstanceOf(NoSuchFileException.class, e.getCause());
        assertFalse(registry.hasSynced());
    }
}
