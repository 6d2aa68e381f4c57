package io.pilot4j.model;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable map whose next version, with a few keys changed, costs little more than those keys: a shared base map
 * plus a small overlay of what changed since, folded into a new base once it holds the square root of the base's size
 * (at least 16 keys). A change then copies the overlay and, amortised, as much of a fold: O(sqrt n) references for a
 * map of n, about 140 at 5,000, where a copy would be 5,000. Reads look at the overlay, then the base. The registries'
 * objects and endpoints (Istio's EndpointIndex, whose shards are updated per service) are held in these, so that a
 * snapshot after one change shares everything else with the one before.
 *
 * <p>Iteration, size and equality see the merged content, which is made once, on first use; lookups never need it.
 * Values are never null.
 */
public final class PersistentMap<K, V> extends AbstractMap<K, V> {
    private static final PersistentMap<?, ?> EMPTY = new PersistentMap<>(Map.of(), Map.of());
    /** A key removed in the overlay, whatever the base holds. */
    private static final Object REMOVED = new Object();
    private static final int MIN_FOLD = 16;

    private final Map<K, V> base;
    /** Values, or {@link #REMOVED}. */
    private final Map<K, Object> overlay;
    private volatile Map<K, V> merged;

    private PersistentMap(Map<K, V> base, Map<K, Object> overlay) {
        this.base = base;
        this.overlay = overlay;
    }

    @SuppressWarnings("unchecked")
    public static <K, V> PersistentMap<K, V> empty() {
        return (PersistentMap<K, V>) EMPTY;
    }

    /** {@code map} itself when it is one, else a copy of it. */
    public static <K, V> PersistentMap<K, V> of(Map<K, V> map) {
        if (map instanceof PersistentMap<K, V> p) {
            return p;
        }
        return new PersistentMap<>(Map.copyOf(map), Map.of());
    }

    /**
     * This map with {@code changes} applied: a key mapped to a value gets it, one mapped to null is removed. Costs the
     * changes, plus now and then a fold of the overlay into a new base.
     */
    public PersistentMap<K, V> with(Map<K, V> changes) {
        if (changes.isEmpty()) {
            return this;
        }
        Map<K, Object> next = new HashMap<>(overlay);
        changes.forEach((key, value) -> next.put(Objects.requireNonNull(key, "key"), value == null ? REMOVED : value));
        if (next.size() < Math.max(MIN_FOLD, (int) Math.sqrt(base.size()))) {
            return new PersistentMap<>(base, Map.copyOf(next));
        }
        return new PersistentMap<>(fold(next), Map.of());
    }

    @SuppressWarnings("unchecked")
    private Map<K, V> fold(Map<K, Object> changes) {
        Map<K, V> out = new HashMap<>(base);
        changes.forEach((key, value) -> {
            if (value == REMOVED) {
                out.remove(key);
            } else {
                out.put(key, (V) value);
            }
        });
        return Map.copyOf(out);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        Object changed = overlay.get(key);
        if (changed != null) {
            return changed == REMOVED ? null : (V) changed;
        }
        return base.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public V getOrDefault(Object key, V otherwise) {
        V found = get(key);
        return found != null ? found : otherwise;
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return merged().entrySet();
    }

    @Override
    public int size() {
        return merged().size();
    }

    private Map<K, V> merged() {
        Map<K, V> m = merged;
        if (m == null) {
            m = overlay.isEmpty() ? base : fold(overlay);
            merged = m;
        }
        return m;
    }

    @Override
    public V put(K key, V value) {
        throw new UnsupportedOperationException("immutable");
    }

    @Override
    public V remove(Object key) {
        throw new UnsupportedOperationException("immutable");
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("immutable");
    }
}
