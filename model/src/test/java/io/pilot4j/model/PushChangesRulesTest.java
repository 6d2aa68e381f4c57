package io.pilot4j.model;

import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.networking.ConfigMeta;
import io.pilot4j.model.networking.DestinationRule;
import io.pilot4j.model.networking.TrafficPolicy;
import io.pilot4j.model.networking.TrafficRules;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A traffic rule change is told by its kind; the same rules again are no change at all. */
class PushChangesRulesTest {

    private static PushContext push(String subset) {
        DestinationRule dr = new DestinationRule(new ConfigMeta("default", "reviews", Instant.EPOCH), "reviews.default.svc.cluster.local",
                List.of(), TrafficPolicy.NONE, List.of(new DestinationRule.Subset(subset, Map.of("version", subset), Optional.empty())),
                Map.of());
        RegistrySnapshot registry = new RegistrySnapshot("Test", List.of(), Map.of(), List.of(),
                TrafficRules.of(List.of(), List.of(dr), List.of(), List.of()));
        return PushContext.build(1, Instant.EPOCH, MeshConfig.defaults(), List.of(registry));
    }

    @Test
    void aRuleChangeIsNamedByItsKindAndEqualRulesAreNone() {
        PushChanges changes = PushChanges.between(push("v1"), push("v2"));

        assertEquals(new PushChanges(false, Set.of(Kind.DESTINATION_RULE), Set.of(), Set.of()), changes);
        assertTrue(changes.touches("any.example.com"), "subsets shape endpoint assignments");
        assertTrue(PushChanges.between(push("v1"), push("v1")).isEmpty());
    }

    @Test
    void aGatewayChangeLeavesEndpointAssignmentsAlone() {
        PushChanges changes = new PushChanges(false, Set.of(Kind.GATEWAY), Set.of(), Set.of("changed.example.com"));

        assertFalse(changes.touches("reviews.default.svc.cluster.local"));
        assertTrue(changes.touches("changed.example.com"));
    }
}
