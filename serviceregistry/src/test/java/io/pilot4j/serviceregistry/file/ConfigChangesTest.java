package io.pilot4j.serviceregistry.file;

import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Kind;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.TriggerReason;
import io.pilot4j.serviceregistry.ConfigChanges;
import io.pilot4j.serviceregistry.RegistryState;
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

    private RegistryState state(String... nameAndContent) {
        List<ConfigFile> files = new java.util.ArrayList<>();
        for (int i = 0; i < nameAndContent.length; i += 2) {
            files.add(loader.load(Path.of(nameAndContent[i]), nameAndContent[i + 1], null));
        }
        return SnapshotAssembler.assemble("File", files);
    }

    @Test
    void nothingInEffectChangedMeansNoPush() {
        RegistryState before = state("a.yaml", service("reviews", "10.96.0.5", 9080));
        RegistryState moved = state("other/place.yaml", service("reviews", "10.96.0.5", 9080));

        assertEquals(Optional.empty(), ConfigChanges.pushRequest(before, moved, NOW));
    }

    @Test
    void endpointsOnlyIsAnEndpointsPush() {
        RegistryState before = state("a.yaml", service("reviews", "10.96.0.5", 9080), "b.yaml", slice("reviews-1", "reviews", "10.1.0.1"));
        RegistryState after = state("a.yaml", service("reviews", "10.96.0.5", 9080), "b.yaml", slice("reviews-1", "reviews", "10.1.0.2"));

        assertEquals(Optional.of(PushRequest.endpoints(Set.of(new ConfigKey(Kind.ENDPOINT_SLICE, "default", "reviews-1")), NOW)),
                ConfigChanges.pushRequest(before, after, NOW));
    }

    @Test
    void headlessEndpointsAreAFullPush() {
        RegistryState before = state("a.yaml", service("db", "None", 5432));
        RegistryState after = state("a.yaml", service("db", "None", 5432), "b.yaml", slice("db-1", "db", "10.1.0.1"));

        assertEquals(Optional.of(PushRequest.full(TriggerReason.ENDPOINT, Set.of(new ConfigKey(Kind.ENDPOINT_SLICE, "default", "db-1")), NOW)),
                ConfigChanges.pushRequest(before, after, NOW));
    }

    @Test
    void servicesAndEndpointsTogetherAreAFullServicePush() {
        RegistryState before = state("a.yaml", service("reviews", "10.96.0.5", 9080));
        RegistryState after = state("a.yaml", service("reviews", "10.96.0.5", 9080) + "---\n" + slice("reviews-1", "reviews", "10.1.0.1"),
                "b.yaml", serviceEntry("ext", "api.example.com", 80));

        PushRequest push = ConfigChanges.pushRequest(before, after, NOW).orElseThrow();
        assertEquals(true, push.full());
        assertEquals(Map.of(TriggerReason.SERVICE, 1), push.reasons());
        assertEquals(Set.of(new ConfigKey(Kind.ENDPOINT_SLICE, "default", "reviews-1"), new ConfigKey(Kind.SERVICE_ENTRY, "default", "ext")),
                push.configsUpdated());
    }
}
