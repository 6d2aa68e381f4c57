package io.pilot4j.xds;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * What a delta client holds of one type, resource name to version: an immutable map, so debug endpoints can read it
 * from any thread, that a response derives from in time proportional to what it changed, not to what the client holds.
 * A push that sends one assignment to a client holding a thousand costs one entry, not a copy of a thousand.
 *
 * <p>Changes sit in a small overlay over an immutable base and are folded into a new base once the overlay grows to a
 * quarter of it, so lookups stay two probes and the copying averages out to a constant per change. The digest, a sum
 * of a mix of each entry's name and version, is kept the same way: it identifies the held state for
 * system_version_info without hashing every entry on every response, and, built from String hash codes, which Java
 * specifies, it is the same on every replica and across restarts.
 */
final class ResourceVersions extends AbstractMap<String, String> {
    static final ResourceVersions EMPTY = new ResourceVersions(Map.of(), Map.of(), 0, 0);
    /** An overlay value: the name is gone from the base. Compared by identity. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String REMOVED = new String("removed");

    private final Map<String, String> base;
    private final Map<String, String> overlay;
    private final int size;
    private final long digest;

    private ResourceVersions(Map<String, String> base, Map<String, String> overlay, int size, long digest) {
        this.base = base;
        this.overlay = overlay;
        this.size = size;
        this.digest = digest;
    }

    static ResourceVersions of(Map<String, String> versions) {
        if (versions instanceof ResourceVersions r) {
            return r;
        }
        return versions.isEmpty() ? EMPTY : EMPTY.with(versions, Set.of());
    }

    /** This map with {@code updates} put and {@code removals} removed. */
    ResourceVersions with(Map<String, String> updates, Collection<String> removals) {
        if (updates.isEmpty() && removals.isEmpty()) {
            return this;
        }
        Map<String, String> next = new HashMap<>(overlay);
        int n = size;
        long d = digest;
        for (Map.Entry<String, String> e : updates.entrySet()) {
            String old = lookup(base, next, e.getKey());
            if (old == null) {
                n++;
            } else {
                d -= mix(e.getKey(), old);
            }
            d += mix(e.getKey(), e.getValue());
            next.put(e.getKey(), e.getValue());
        }
        for (String name : removals) {
            if (updates.containsKey(name)) {
                continue;
            }
            // Read from the map being built: a name removed twice is removed once.
            String old = lookup(base, next, name);
            if (old != null) {
                n--;
                d -= mix(name, old);
            }
            if (base.containsKey(name)) {
                next.put(name, REMOVED);
            } else {
                next.remove(name);
            }
        }
        if (next.size() > 16 + base.size() / 4) {
            return new ResourceVersions(Map.copyOf(fold(base, next)), Map.of(), n, d);
        }
        return new ResourceVersions(base, next, n, d);
    }

    /** A digest of every name and version held: equal holdings, equal digest. 16 hex digits. */
    String digest() {
        return HexFormat.of().toHexDigits(digest);
    }

    @Override
    public String get(Object name) {
        return lookup(base, overlay, name);
    }

    private static String lookup(Map<String, String> base, Map<String, String> overlay, Object name) {
        String v = overlay.get(name);
        if (v != null) {
            return v == REMOVED ? null : v;
        }
        return base.get(name);
    }

    @Override
    public boolean containsKey(Object name) {
        return get(name) != null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, String>> iterator() {
                return fold(base, overlay).entrySet().iterator();
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    @Override
    public Set<String> keySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<String> iterator() {
                Iterator<Entry<String, String>> entries = entrySet().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return entries.hasNext();
                    }

                    @Override
                    public String next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        return entries.next().getKey();
                    }
                };
            }

            @Override
            public boolean contains(Object name) {
                return containsKey(name);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    private static Map<String, String> fold(Map<String, String> base, Map<String, String> overlay) {
        if (overlay.isEmpty()) {
            return base;
        }
        Map<String, String> out = new HashMap<>(base);
        overlay.forEach((name, version) -> {
            if (version == REMOVED) {
                out.remove(name);
            } else {
                out.put(name, version);
            }
        });
        return out;
    }

    // A 64-bit mix of the two hash codes, so that sums of different holdings rarely meet.
    private static long mix(String name, String version) {
        long h = name.hashCode() * 0x9E3779B97F4A7C15L + version.hashCode();
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        return h ^ (h >>> 32);
    }
}
