package io.pilot4j.serviceregistry.file;

import io.pilot4j.model.ConfigError;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Kind;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.Service;
import io.pilot4j.model.TriggerReason;
import io.pilot4j.serviceregistry.StoredConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static io.pilot4j.serviceregistry.file.ConfigFiles.replace;
import static io.pilot4j.serviceregistry.file.ConfigFiles.service;
import static io.pilot4j.serviceregistry.file.ConfigFiles.serviceEntry;
import static io.pilot4j.serviceregistry.file.ConfigFiles.slice;
import static io.pilot4j.serviceregistry.file.ConfigFiles.workloadEntry;
import static io.pilot4j.serviceregistry.file.ConfigFiles.write;
import static io.pilot4j.serviceregistry.file.Eventually.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Changes after start. Every test waits on an observable outcome; to show that something raised no update, it then
 * makes an unrelated change and checks that the next update is that one (events are handled in order).
 */
class FileRegistryWatchTest {
    private static final String REVIEWS = "reviews.default.svc.cluster.local";
    private static final ConfigKey REVIEWS_SERVICE = new ConfigKey(Kind.SERVICE, "default", "reviews");
    private static final ConfigKey REVIEWS_SLICE = new ConfigKey(Kind.ENDPOINT_SLICE, "default", "reviews-1");
    private static final ConfigKey SENTINEL = new ConfigKey(Kind.SERVICE_ENTRY, "default", "sentinel");

    @TempDir
    Path dir;
    private final CapturingUpdater updater = new CapturingUpdater();
    private FileRegistry registry;

    @BeforeEach
    void start() {
        write(dir, "reviews.yaml", service("reviews", "10.96.0.5", 9080));
        write(dir, "reviews-endpoints.yaml", slice("reviews-1", "reviews", "10.1.0.1"));
        registry = new FileRegistry(dir, "cluster.local", updater);
        registry.start();
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private boolean hasHost(String host) {
        return registry.snapshot().services().stream().map(Service::hostname).anyMatch(host::equals);
    }

    private int endpointCount(String host) {
        return registry.snapshot().endpoints().getOrDefault(host, List.of()).size();
    }

    /**
     * A rejection alone changes no object: the update it raises names none, so that the pusher's snapshot (where
     * rejections are counted) takes it in while no proxy is sent anything.
     */
    private void assertRejectionOnlyUpdate(int seen) {
        PushRequest rejection = updater.awaitRequest(seen);
        assertEquals(Set.of(), rejection.configsUpdated(), "a rejected file changes no object: " + updater.requests());
    }

    /** Proves that nothing before it raised an update: the next update is the sentinel's. */
    private void assertNextUpdateIsOnlyTheSentinel(int seen) {
        write(dir, "zz-sentinel.yaml", serviceEntry("sentinel", "sentinel.example.com", 80));
        PushRequest next = updater.awaitRequest(seen);
        assertEquals(Set.of(SENTINEL), next.configsUpdated(), "an earlier change raised an update: " + updater.requests());
    }

    @Test
    void aChangedServiceRaisesAFullPush() {
        write(dir, "reviews.yaml", service("reviews", "10.96.0.5", 9081));

        waitUntil("the new port is served", () -> registry.snapshot().services().get(0).ports().get(0).port() == 9081);
        assertEachPushSince(0, push -> {
            assertTrue(push.full());
            assertEquals(Set.of(REVIEWS_SERVICE), push.configsUpdated());
            assertEquals(Map.of(TriggerReason.SERVICE, 1), push.reasons());
        });
    }

    @Test
    void anEndpointOnlyChangeRaisesAnEndpointsPush() {
        write(dir, "reviews-endpoints.yaml", slice("reviews-1", "reviews", "10.1.0.1", "10.1.0.2"));

        waitUntil("both endpoints are served", () -> endpointCount(REVIEWS) == 2);
        assertEachPushSince(0, push -> {
            assertFalse(push.full());
            assertEquals(Set.of(REVIEWS_SLICE), push.configsUpdated());
            assertEquals(Map.of(TriggerReason.ENDPOINT, 1), push.reasons());
        });
    }

    @Test
    void aWorkloadEntryChangeIsAnEndpointsPushForTheServiceEntriesSelectingIt() {
        write(dir, "api.yaml", """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: api, namespace: default}
                spec:
                  hosts: [api.example.com]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  workloadSelector: {labels: {app: api}}
                  ports: [{name: http, number: 80, protocol: HTTP, targetPort: 8080}]
                """);
        write(dir, "vm-1.yaml", workloadEntry("vm-1", "10.5.0.1", "api"));
        waitUntil("the selected entry is an endpoint", () -> endpointCount("api.example.com") == 1);
        int seen = updater.requests().size();

        write(dir, "vm-2.yaml", workloadEntry("vm-2", "10.5.0.2", "api"));
        write(dir, "other.yaml", workloadEntry("other", "10.5.0.3", "billing"));
        waitUntil("the second selected entry is an endpoint too", () -> endpointCount("api.example.com") == 2);
        assertEquals(List.of("10.5.0.1", "10.5.0.2"), registry.snapshot().endpoints().get("api.example.com").stream()
                .map(e -> e.address() + (e.port() == 8080 ? "" : ":" + e.port())).toList(), "the target port, only selected entries");
        assertEachPushSince(seen, push -> {
            assertFalse(push.full(), "workloads are endpoints: " + push);
            assertEquals(Map.of(TriggerReason.ENDPOINT, 1), push.reasons());
        });
    }


    @Test
    void endpointsOfAHeadlessServiceRaiseAFullPush() {
        replace(dir, "reviews.yaml", service("reviews", "None", 9080));
        updater.awaitRequest(0);
        int seen = updater.count();

        write(dir, "reviews-endpoints.yaml", slice("reviews-1", "reviews", "10.1.0.1", "10.1.0.2"));

        waitUntil("both endpoints are served", () -> endpointCount(REVIEWS) == 2);
        assertEachPushSince(seen, push -> {
            assertTrue(push.full());
            assertEquals(Set.of(REVIEWS_SLICE), push.configsUpdated());
            assertEquals(Map.of(TriggerReason.ENDPOINT, 1), push.reasons());
        });
    }

    @Test
    void rewritingTheSameContentRaisesNothing() throws IOException {
        replace(dir, "reviews-endpoints.yaml", slice("reviews-1", "reviews", "10.1.0.1"));
        Files.setLastModifiedTime(dir.resolve("reviews.yaml"), FileTime.from(Instant.now().plusSeconds(60)));

        assertNextUpdateIsOnlyTheSentinel(0);
    }

    @Test
    void aBadEditKeepsTheLastGoodContentUntilFixed() {
        Path file = dir.resolve("reviews.yaml");
        replace(dir, "reviews.yaml", service("reviews", "10.96.0.5", 9080) + "---\n"
                + service("ratings", "10.96.0.6", 9080).replace("port: 9080", "port: abc"));

        waitUntil("the error shows", () -> !registry.snapshot().errors().isEmpty());
        assertEquals(List.of(new ConfigError(file.toString(), 1, "Service", "default", "ratings",
                "spec.ports[0].port: want an integer, got \"abc\"")), registry.snapshot().errors());
        assertTrue(hasHost(REVIEWS), "the last good content stays");
        assertFalse(hasHost("ratings.default.svc.cluster.local"));
        assertRejectionOnlyUpdate(0);
        assertNextUpdateIsOnlyTheSentinel(1);

        replace(dir, "reviews.yaml", service("reviews", "10.96.0.5", 9080) + "---\n" + service("ratings", "10.96.0.6", 9080));
        PushRequest push = updater.awaitRequest(2);

        assertEquals(Set.of(new ConfigKey(Kind.SERVICE, "default", "ratings")), push.configsUpdated());
        assertEquals(List.of(), registry.snapshot().errors());
        assertTrue(hasHost("ratings.default.svc.cluster.local"));
    }

    @Test
    void aFileThatNeverWasGoodAppliesNothing() {
        write(dir, "new.yaml", serviceEntry("ext", "api.example.com", 70000));

        waitUntil("the error shows", () -> registry.snapshot().errors().size() == 1);
        assertFalse(hasHost("api.example.com"));
        assertRejectionOnlyUpdate(0);
        assertNextUpdateIsOnlyTheSentinel(1);
    }

    @Test
    void deletingAFileRemovesItsObjects() throws IOException {
        Files.delete(dir.resolve("reviews.yaml"));

        PushRequest push = updater.awaitRequest(0);

        assertTrue(push.full());
        assertEquals(Set.of(REVIEWS_SERVICE), push.configsUpdated());
        assertFalse(hasHost(REVIEWS));
    }

    @Test
    void deletingAFileHoldingOnlyAnEndpointSliceIsAnEndpointsPush() throws IOException {
        Files.delete(dir.resolve("reviews-endpoints.yaml"));

        PushRequest push = updater.awaitRequest(0);

        assertEquals(PushRequest.endpoints(Set.of(REVIEWS_SLICE), Set.of(REVIEWS), push.start()), push, "the Service stays: an EDS push of its host");
        assertTrue(hasHost(REVIEWS));
        assertEquals(0, endpointCount(REVIEWS));
    }

    @Test
    void renamingAFileKeepsItsObjectsUnderTheNewName() throws IOException {
        Path renamed = Files.move(dir.resolve("reviews.yaml"), dir.resolve("svc-reviews.yml"), StandardCopyOption.ATOMIC_MOVE);

        waitUntil("the Service comes from the new file", () -> registry.configs().stream()
                .anyMatch(c -> c.key().equals(REVIEWS_SERVICE) && c.source().equals(renamed.toString())));
        assertTrue(hasHost(REVIEWS));

        Files.move(renamed, dir.resolve("svc-reviews.yml.bak"));
        waitUntil("a rename to another extension removes it", () -> !hasHost(REVIEWS));
    }

    @Test
    void aNewSubdirectoryIsWatched() throws IOException {
        write(dir, "team-a/egress/httpbin.yaml", serviceEntry("httpbin", "httpbin.org", 80));
        waitUntil("the file in the new directory is read", () -> hasHost("httpbin.org"));

        write(dir, "team-a/egress/httpbin.yaml", serviceEntry("httpbin", "httpbin.org", 8080));
        waitUntil("a later change in it is seen", () -> registry.snapshot().services().stream()
                .anyMatch(s -> s.hostname().equals("httpbin.org") && s.ports().get(0).port() == 8080));

        deleteTree(dir.resolve("team-a"));
        waitUntil("deleting the directory removes its files' objects", () -> !hasHost("httpbin.org"));
    }

    @Test
    void anEditorsTempFileRenamedIntoPlaceIsOneChange() {
        replace(dir, "reviews.yaml", service("reviews", "10.96.0.7", 9080));

        PushRequest push = updater.awaitRequest(0);

        assertEquals(Set.of(REVIEWS_SERVICE), push.configsUpdated());
        assertEquals(List.of("10.96.0.7"), registry.snapshot().services().get(0).addresses());
        assertEquals(List.of(), registry.snapshot().errors());
    }

    @Test
    void aConfigMapStyleSwapIsSeen() throws IOException {
        write(dir, "..v1/egress.yaml", serviceEntry("egress", "api.example.com", 80));
        Files.createSymbolicLink(dir.resolve("..data"), Path.of("..v1"));
        Files.createSymbolicLink(dir.resolve("egress.yaml"), Path.of("..data", "egress.yaml"));
        waitUntil("the linked file is read", () -> hasHost("api.example.com"));

        // kubelet: write a new hidden directory, point a temporary link at it, rename the link over ..data.
        write(dir, "..v2/egress.yaml", serviceEntry("egress", "api.example.com", 8443));
        Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..v2"));
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        waitUntil("the swapped content is read", () -> registry.snapshot().services().stream()
                .anyMatch(s -> s.hostname().equals("api.example.com") && s.ports().get(0).port() == 8443));
    }

    @Test
    void configsFollowChanges() {
        write(dir, "more/slices.yaml", slice("reviews-2", "reviews", "10.1.0.9"));

        waitUntil("the new slice's endpoints are served", () -> endpointCount(REVIEWS) == 2);
        assertEquals(List.of(REVIEWS_SERVICE, REVIEWS_SLICE, new ConfigKey(Kind.ENDPOINT_SLICE, "default", "reviews-2")),
                registry.configs().stream().map(StoredConfig::key).toList());
    }

    /**
     * Checks every push; waits for the first one because the registry swaps its snapshot before it notifies (the
     * pusher must find the new snapshot when told).
     */
    private void assertEachPushSince(int seen, Consumer<PushRequest> check) {
        updater.awaitRequest(seen);
        List<PushRequest> all = updater.requests();
        all.subList(seen, all.size()).forEach(check);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
