package io.pilot4j.serviceregistry.file;

import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Kind;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.TriggerReason;
import io.pilot4j.serviceregistry.ConfigChanges;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.pilot4j.serviceregistry.file.ConfigFiles.service;
import static io.pilot4j.serviceregistry.file.ConfigFiles.serviceEntry;
import static io.pilot4j.serviceregistry.file.ConfigFiles.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfigChangesTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private final FileLoader loader = new FileLoader("cluster.local");

    private Map<Path, ConfigFile> state(String... nameAndContent) {
        Map<Path, ConfigFile> files = new java.util.TreeMap<>();
        for (int i = 0; i < nameAndContent.length; i += 2) {
            files.put(Path.of(nameAndContent[i]), loader.load(Path.of(nameAndContent[i]), nameAndContent[i + 1], null));
        }
        return files;
    }

    /** The push the file registry asks for when its files go from {@code before} to {@code after}. */
    private static Optional<PushRequest> push(Map<Path, ConfigFile> before, Map<Path, ConfigFile> after) {
        FileObjects objects = FileObjects.of("File", before.values());
        Set<Path> paths = new java.util.TreeSet<>(before.keySet());
        paths.addAll(after.keySet());
        for (Path p : paths) {
            objects.update(p, before.get(p), after.get(p));
        }
        return ConfigChanges.pushRequest(objects.commit(), NOW);
    }

    @Test
    void nothingInEffectChangedMeansNoPush() {
        Map<Path, ConfigFile> before = state("a.yaml", service("reviews", "10.96.0.5", 9080));
        Map<Path, ConfigFile> moved = state("other/place.yaml", service("reviews", "10.96.0.5", 9080));

        assertEquals(Optional.empty(), push(before, moved));
    }

    @Test
    void endpointsOnlyIsAnEndpointsPush() {
        Map<Path, ConfigFile> before = state("a.yaml", service("reviews", "10.96.0.5", 9080), "b.yaml", slice("reviews-1", "reviews", "10.1.0.1"));
        Map<Path, ConfigFile> after = state("a.yaml", service("reviews", "10.96.0.5", 9080), "b.yaml", slice("reviews-1", "reviews", "10.1.0.2"));

        assertEquals(Optional.of(PushRequest.endpoints(Set.of(new ConfigKey(Kind.ENDPOINT_SLICE, "default", "reviews-1")),
                        Set.of("reviews.default.svc.cluster.local"), NOW)),
                push(before, after));
    }

    @Test
    void headlessEndpointsAreAFullPush() {
        Map<Path, ConfigFile> before = state("a.yaml", service("db", "None", 5432));
        Map<Path, ConfigFile> after = state("a.yaml", service("db", "None", 5432), "b.yaml", slice("db-1", "db", "10.1.0.1"));

        assertEquals(Optional.of(PushRequest.full(TriggerReason.ENDPOINT, Set.of(new ConfigKey(Kind.ENDPOINT_SLICE, "default", "db-1")), NOW)),
                push(before, after));
    }

    @Test
    void servicesAndEndpointsTogetherAreAFullServicePush() {
        Map<Path, ConfigFile> before = state("a.yaml", service("reviews", "10.96.0.5", 9080));
        Map<Path, ConfigFile> after = state("a.yaml", service("reviews", "10.96.0.5", 9080) + "---\n" + slice("reviews-1", "reviews", "10.1.0.1"),
                "b.yaml", serviceEntry("ext", "api.example.com", 80));

        PushRequest push = push(before, after).orElseThrow();
        assertEquals(true, push.full());
        assertEquals(Map.of(TriggerReason.SERVICE, 1), push.reasons());
        assertEquals(Set.of(new ConfigKey(Kind.ENDPOINT_SLICE, "default", "reviews-1"), new ConfigKey(Kind.SERVICE_ENTRY, "default", "ext")),
                push.configsUpdated());
    }

    @Test
    void aServiceEntryWhoseEndpointsAloneChangedIsAnEndpointsPushOfItsHost() {
        String entry = serviceEntry("ext", "api.example.com", 80).replace("resolution: DNS", "resolution: STATIC");
        Map<Path, ConfigFile> before = state("a.yaml", entry + "  endpoints:\n  - {address: 10.4.0.1}\n");
        Map<Path, ConfigFile> after = state("a.yaml", entry + "  endpoints:\n  - {address: 10.4.0.2}\n");

        assertEquals(Optional.of(PushRequest.endpoints(Set.of(new ConfigKey(Kind.SERVICE_ENTRY, "default", "ext")), Set.of("api.example.com"), NOW)),
                push(before, after), "Istio's serviceentry controller: the service is the same, so only its endpoints are pushed");
    }

    @Test
    void aServiceEntryWhoseServiceChangedIsAFullPush() {
        Map<Path, ConfigFile> before = state("a.yaml", serviceEntry("ext", "api.example.com", 80));
        Map<Path, ConfigFile> after = state("a.yaml", serviceEntry("ext", "api.example.com", 8080));

        assertEquals(Optional.of(PushRequest.full(TriggerReason.SERVICE, Set.of(new ConfigKey(Kind.SERVICE_ENTRY, "default", "ext")), NOW)),
                push(before, after));
    }
}
