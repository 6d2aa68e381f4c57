package io.pilot4j.xds;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** What a delta client holds: a map that behaves as a plain one through overlays and folds, with an order-free digest. */
class ResourceVersionsTest {

    @Test
    void behavesAsAPlainMapThroughManyChangesAndFolds() {
        Random random = new Random(42);
        Map<String, String> expected = new HashMap<>();
        ResourceVersions held = ResourceVersions.EMPTY;
        for (int step = 0; step < 2_000; step++) {
            Map<String, String> updates = new HashMap<>();
            List<String> removals = new java.util.ArrayList<>();
            for (int i = random.nextInt(5); i > 0; i--) {
                updates.put("c" + random.nextInt(200), "v" + random.nextInt(3));
            }
            for (int i = random.nextInt(3); i > 0; i--) {
                removals.add("c" + random.nextInt(200));
            }
            held = held.with(updates, removals);
            // An update wins over a removal of the same name in one change.
            removals.stream().filter(n -> !updates.containsKey(n)).forEach(expected::remove);
            expected.putAll(updates);

            assertEquals(expected.size(), held.size(), "step " + step);
            String probe = "c" + random.nextInt(200);
            assertEquals(expected.get(probe), held.get(probe), "step " + step + ", " + probe);
            assertEquals(expected.containsKey(probe), held.containsKey(probe));
        }
        assertEquals(expected, held);
        assertEquals(expected.keySet(), held.keySet());
        assertEquals(ResourceVersions.of(expected).digest(), held.digest(), "the digest depends on what is held, not on how it got there");
    }

    @Test
    void theDigestIdentifiesTheHolding() {
        ResourceVersions a = ResourceVersions.of(Map.of("outbound|80||a", "1", "outbound|80||b", "2"));
        ResourceVersions sameOtherOrder = ResourceVersions.EMPTY.with(Map.of("outbound|80||b", "2"), Set.of())
                .with(Map.of("outbound|80||a", "1"), Set.of());
        assertEquals(a.digest(), sameOtherOrder.digest());
        assertEquals(16, a.digest().length());

        assertNotEquals(a.digest(), a.with(Map.of("outbound|80||a", "3"), Set.of()).digest(), "a changed version");
        assertNotEquals(a.digest(), a.with(Map.of(), Set.of("outbound|80||b")).digest(), "a removed name");
        assertEquals(a.digest(), a.with(Map.of("outbound|80||c", "9"), Set.of()).with(Map.of(), Set.of("outbound|80||c")).digest(),
                "added then removed: back where it was");
        assertEquals(ResourceVersions.EMPTY.digest(), a.with(Map.of(), a.keySet()).digest());
    }

    @Test
    void removingWhatIsNotHeldAndEmptyChangesCostNothing() {
        ResourceVersions a = ResourceVersions.of(Map.of("x", "1"));
        assertSame(a, a.with(Map.of(), Set.of()));
        ResourceVersions b = a.with(Map.of(), Set.of("not-held"));
        assertEquals(a, b);
        assertEquals(a.digest(), b.digest());
        assertNull(b.get("not-held"));
        assertFalse(b.containsKey("not-held"));
    }
}
