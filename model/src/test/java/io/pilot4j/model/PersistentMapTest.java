package io.pilot4j.model;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A persistent map is the map it says it is, whatever the mix of base, overlay and folds behind it. */
class PersistentMapTest {
    private static List<Endpoint> endpoints(String... ips) {
        return java.util.Arrays.stream(ips)
                .map(ip -> new Endpoint(ip, 80, "http", Map.of(), Locality.NONE, 1, HealthStatus.HEALTHY, "")).collect(java.util.stream.Collectors.toUnmodifiableList());
    }

    @Test
    void changesReplaceRemoveAndKeepEmptyValuesApartFromRemovedKeys() {
        List<Endpoint> b = endpoints("10.0.0.2");
        PersistentMap<String, List<Endpoint>> index = PersistentMap.of(Map.of("a", endpoints("10.0.0.1"), "b", b));
        Map<String, List<Endpoint>> changes = new HashMap<>();
        changes.put("a", null);
        changes.put("c", List.of());

        PersistentMap<String, List<Endpoint>> next = index.with(changes);

        assertNull(next.get("a"), "removed");
        assertEquals(List.of(), next.get("c"), "an empty list is a value, not a removed key");
        assertSame(b, next.get("b"), "an unchanged hostname keeps its list instance");
        assertEquals(Map.of("b", b, "c", List.of()), next);
        assertEquals(Map.of("a", endpoints("10.0.0.1"), "b", b), index, "the old version is unchanged");
    }

    @Test
    void randomChangesGiveTheMapAPlainMapGives() {
        Random random = new Random(7);
        Map<String, List<Endpoint>> expected = new HashMap<>();
        PersistentMap<String, List<Endpoint>> index = PersistentMap.empty();
        for (int step = 0; step < 3000; step++) {
            Map<String, List<Endpoint>> changes = new HashMap<>();
            for (int i = random.nextInt(4); i >= 0; i--) {
                String host = "h" + random.nextInt(200);
                List<Endpoint> list = random.nextInt(6) == 0 ? null : endpoints("10.0." + random.nextInt(9) + ".1");
                changes.put(host, list);
            }
            index = index.with(changes);
            changes.forEach((host, list) -> {
                if (list == null) {
                    expected.remove(host);
                } else {
                    expected.put(host, list);
                }
            });
            assertEquals(expected, index, "step " + step);
            for (int h = 0; h < 200; h += 37) {
                assertEquals(expected.get("h" + h), index.get("h" + h), "step " + step + ", h" + h);
            }
        }
    }
}
