package io.pilot4j.serviceregistry.file;

import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.Service;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.pilot4j.serviceregistry.file.ConfigFiles.service;
import static io.pilot4j.serviceregistry.file.ConfigFiles.serviceEntry;
import static io.pilot4j.serviceregistry.file.ConfigFiles.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** How files combine into one snapshot; no I/O: files are loaded from strings. */
class FileObjectsTest {
    private static final String REVIEWS = "reviews.default.svc.cluster.local";
    private final FileLoader loader = new FileLoader("cluster.local");

    private ConfigFile file(String name, String content) {
        return loader.load(Path.of(name), content, null);
    }

    private static RegistrySnapshot assemble(ConfigFile... files) {
        return FileObjects.of("File", List.of(files)).state().snapshot();
    }

    private static List<String> addresses(RegistrySnapshot s, String host) {
        return s.endpoints().get(host).stream().map(Endpoint::address).toList();
    }

    private static final String ENDPOINTS = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: reviews}
            subsets:
            - addresses: [{ip: 10.9.0.1}]
              ports: [{name: http, port: 9080}]
            """;

    @Test
    void slicesOfAServiceWinOverItsEndpointsObjectAndAreOrderedByName() {
        RegistrySnapshot s = assemble(
                file("a.yaml", service("reviews", "10.96.0.5", 9080)),
                file("b.yaml", slice("reviews-b", "reviews", "10.1.0.2") + "---\n" + ENDPOINTS),
                file("c.yaml", slice("reviews-a", "reviews", "10.1.0.1")));

        assertEquals(List.of("10.1.0.1", "10.1.0.2"), addresses(s, REVIEWS));
    }

    @Test
    void withoutSlicesTheEndpointsObjectServes() {
        RegistrySnapshot s = assemble(file("a.yaml", service("reviews", "10.96.0.5", 9080) + "---\n" + ENDPOINTS));

        assertEquals(List.of("10.9.0.1"), addresses(s, REVIEWS));
    }

    @Test
    void slicesOfAnotherNamespaceOrServiceDoNotMix() {
        RegistrySnapshot s = assemble(
                file("a.yaml", service("reviews", "10.96.0.5", 9080)),
                file("b.yaml", slice("ratings-1", "ratings", "10.1.0.3")),
                file("c.yaml", slice("reviews-x", "reviews", "10.1.0.4").replace("namespace: default", "namespace: other")));

        assertEquals(List.of(), s.endpoints().get(REVIEWS));
        assertEquals(List.of(REVIEWS), s.services().stream().map(Service::hostname).toList());
    }

    @Test
    void externalNameServicesAndServiceEntriesBringTheirOwnEndpoints() {
        RegistrySnapshot s = assemble(
                file("a.yaml", """
                        apiVersion: v1
                        kind: Service
                        metadata: {name: db}
                        spec:
                          type: ExternalName
                          externalName: db.example.com
                          ports: [{name: tcp, port: 5432}]
                        """),
                file("b.yaml", slice("db-1", "db", "10.1.0.9")),
                file("c.yaml", serviceEntry("httpbin", "httpbin.org", 80)));

        assertEquals(List.of(new Endpoint("db.example.com", 5432, "tcp", Map.of(), Locality.NONE, 1, HealthStatus.HEALTHY, "")),
                s.endpoints().get("db.default.svc.cluster.local"));
        assertEquals(List.of("httpbin.org"), addresses(s, "httpbin.org"));
    }

    @Test
    void servicesAreSortedByHostnameWhateverTheFileOrder() {
        RegistrySnapshot forward = assemble(file("a.yaml", serviceEntry("z", "zeta.example.com", 80)), file("b.yaml", serviceEntry("a", "alpha.example.com", 80)));
        RegistrySnapshot backward = assemble(file("a.yaml", serviceEntry("a", "alpha.example.com", 80)), file("b.yaml", serviceEntry("z", "zeta.example.com", 80)));

        assertEquals(List.of("alpha.example.com", "zeta.example.com"), forward.services().stream().map(Service::hostname).toList());
        assertEquals(forward.services(), backward.services());
        assertEquals(forward.endpoints(), backward.endpoints());
    }

    @Test
    void errorsOfFilesComeFirstInPathOrderThenConflicts() {
        RegistrySnapshot s = assemble(
                file("a.yaml", serviceEntry("one", "api.example.com", 80)),
                file("b.yaml", "kind: Service\n"),
                file("c.yaml", serviceEntry("one", "api.example.com", 80)));

        assertEquals(List.of("b.yaml", "c.yaml"), s.errors().stream().map(e -> e.source()).toList());
        assertEquals("apiVersion: required", s.errors().get(0).message());
    }
}
