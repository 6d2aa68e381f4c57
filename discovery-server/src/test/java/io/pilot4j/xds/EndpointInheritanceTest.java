package io.pilot4j.xds;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushChanges;
import io.pilot4j.model.PushContext;
import io.pilot4j.monitoring.PilotMetrics;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.endpoint.EndpointGenerator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Endpoint assignments carried across snapshots: a push that changes one service's endpoints makes that service's
 * assignment again and takes every other from the previous snapshot's generation of the same subscription; a
 * subscription that changed finds them there too; and what is carried over equals what a fresh cache makes.
 */
class EndpointInheritanceTest {
    private static final int SERVICES = 5;
    private final List<String> generated = new ArrayList<>();
    private final EndpointGenerator eds = new EndpointGenerator();
    private final XdsGenerator counting = (view, push, names) -> {
        generated.addAll(names.names());
        return eds.generate(view, push, names);
    };
    private final ProxyView view = ProxyView.of(Proxy.fromNode("sidecar~10.1.0.1~app-1.default~default.svc.cluster.local", Map.of(), Map.of()));

    private static String cluster(int i) {
        return "outbound|9080||s" + i + ".default.svc.cluster.local";
    }

    /** Every service with one endpoint; {@code moved} has another address. */
    private static PushContext push(long sequence, int moved) {
        PushFixture fixture = new PushFixture();
        for (int i = 0; i < SERVICES; i++) {
            fixture.kube("s" + i, "default").http(9080).endpoint(i == moved ? "10.0.9." + sequence : "10.0.0." + i, 9080, "http-9080");
        }
        PushContext built = fixture.build();
        return built.withEndpoints(sequence, built.createdAt(), List.of(), Set.of());
    }

    private static ResourceNames names(int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(cluster(i));
        }
        return ResourceNames.of(out);
    }

    private Generation get(XdsCache cache, ResourceNames names, PushContext push) {
        return cache.get(new XdsCache.Key(XdsType.EDS, view.narrowedFor(push), names), push, counting);
    }

    @Test
    void aPushMakesAgainOnlyTheAssignmentsOfWhatItChanged() {
        XdsCache cache = new XdsCache(new PilotMetrics(new SimpleMeterRegistry()));
        PushContext first = push(1, -1);
        cache.install(first, PushChanges.everything());
        Generation before = get(cache, names(SERVICES), first);
        assertEquals(SERVICES, generated.size());

        PushContext second = push(2, 2);
        PushChanges changes = PushChanges.between(first, second);
        assertEquals(Set.of("s2.default.svc.cluster.local"), changes.endpoints());
        cache.install(second, changes);
        generated.clear();
        Generation after = get(cache, names(SERVICES), second);
        assertEquals(List.of(cluster(2)), generated, "only the changed service's assignment is made again");
        for (int i = 0; i < SERVICES; i++) {
            if (i == 2) {
                assertNotSame(before.resources().get(i), after.resources().get(i));
            } else {
                assertSame(before.resources().get(i), after.resources().get(i), "assignment " + i + " is carried over");
            }
        }
        assertNotEquals(before.version(), after.version());

        XdsCache fresh = new XdsCache(new PilotMetrics(new SimpleMeterRegistry()));
        fresh.install(second, PushChanges.everything());
        Generation scratch = get(fresh, names(SERVICES), second);
        assertEquals(scratch.version(), after.version(), "what is carried over is what a fresh cache makes");
        for (int i = 0; i < SERVICES; i++) {
            assertEquals(scratch.resources().get(i).resource(), after.resources().get(i).resource());
        }
    }

    @Test
    void aChangedSubscriptionFindsTheAssignmentsThePreviousGenerationCarriedOver() {
        XdsCache cache = new XdsCache(new PilotMetrics(new SimpleMeterRegistry()));
        PushContext first = push(1, -1);
        cache.install(first, PushChanges.everything());
        get(cache, names(SERVICES), first);
        PushContext second = push(2, 2);
        cache.install(second, PushChanges.between(first, second));
        Generation carried = get(cache, names(SERVICES), second);
        PushContext third = push(3, 4);
        cache.install(third, PushChanges.between(second, third));

        // The third snapshot moves s4 and puts s2 back: of the smaller subscription, only s2 is made again.
        generated.clear();
        Generation fewer = get(cache, names(SERVICES - 1), third);
        assertEquals(List.of(cluster(2)), generated, "the rest came from the previous snapshot's generation");
        for (int i : new int[]{0, 1, 3}) {
            assertSame(carried.resources().get(i), fewer.resources().get(i));
        }
    }

    @Test
    void theVersionOfEqualResourcesIsEqualWhateverTheirOrder() {
        XdsCache cache = new XdsCache(new PilotMetrics(new SimpleMeterRegistry()));
        PushContext first = push(1, -1);
        cache.install(first, PushChanges.everything());
        Generation g = get(cache, names(SERVICES), first);
        List<PackedResource> reversed = new ArrayList<>(g.resources());
        java.util.Collections.reverse(reversed);
        assertEquals(ResourceVersion.of(g.resources()), ResourceVersion.of(reversed));
        assertNotEquals(ResourceVersion.of(g.resources()), ResourceVersion.of(g.resources().subList(1, SERVICES)), "one fewer is another version");
    }
}
