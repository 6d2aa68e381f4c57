package io.pilot4j.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.pilot4j.translate.ResourceNames;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resource_names lists of state-of-the-world requests, kept by their bytes on the wire. Every SotW ACK repeats
 * the whole subscription (an EDS ACK names every cluster: 250 KB at 5,000 services), and the sidecars of one view all
 * send the same list. Decoding each request's names again and comparing them name by name with the subscription was
 * the largest part of what a change cost at 5,000 services. A list recognised by its bytes is decoded once, and
 * every request that repeats it gets the same {@link ResourceNames} instance, which later comparisons meet by
 * identity.
 *
 * <p>Only lists of at least {@link #MIN_BYTES} are kept; the table holds at most {@code maxBytes} of them, the least
 * recently used going first. Thread-safe: gRPC parses requests on its executor's threads.
 */
final class RequestNamesTable {
    /** Shorter lists decode about as fast as they are looked up. */
    static final int MIN_BYTES = 4096;

    private final long maxBytes;
    // Guarded by this; in access order, for eviction.
    private final LinkedHashMap<Key, Names> lists = new LinkedHashMap<>(16, 0.75f, true);
    private long heldBytes;

    RequestNamesTable(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** One list of names, decoded, in the order the client sent them; and what it subscribes to. */
    static final class Names {
        private final List<String> list;
        // Racy but idempotent: both threads compute equal values from the same list.
        private volatile ResourceNames wildcardAllowed;
        private volatile ResourceNames explicit;

        Names(List<String> list) {
            this.list = List.copyOf(list);
        }

        List<String> list() {
            return list;
        }

        /** {@link RequestClassifier#namesOf} of this list, computed once per flag. */
        ResourceNames subscription(boolean wildcard) {
            ResourceNames n = wildcard ? wildcardAllowed : explicit;
            if (n == null) {
                n = RequestClassifier.namesOf(list, wildcard);
                if (wildcard) {
                    wildcardAllowed = n;
                } else {
                    explicit = n;
                }
            }
            return n;
        }
    }

    /**
     * The names that {@code bytes[from, to)} encode: the resource_names fields of a DiscoveryRequest, as they came.
     *
     * @throws InvalidProtocolBufferException when they are no such fields (a name that is not UTF-8)
     */
    Names intern(byte[] bytes, int from, int to) throws InvalidProtocolBufferException {
        Key probe = new Key(bytes, from, to);
        synchronized (this) {
            Names known = lists.get(probe);
            if (known != null) {
                return known;
            }
        }
        // Decoded outside the lock: a miss costs what every request cost before.
        Names decoded = new Names(DiscoveryRequest.parser().parseFrom(bytes, from, to - from).getResourceNamesList());
        synchronized (this) {
            Names raced = lists.get(probe);
            if (raced != null) {
                return raced;
            }
            Key owned = new Key(Arrays.copyOfRange(bytes, from, to), 0, to - from);
            lists.put(owned, decoded);
            heldBytes += owned.length;
            for (Iterator<Map.Entry<Key, Names>> it = lists.entrySet().iterator(); heldBytes > maxBytes && it.hasNext(); ) {
                Map.Entry<Key, Names> eldest = it.next();
                if (eldest.getKey() != owned) {
                    heldBytes -= eldest.getKey().length;
                    it.remove();
                }
            }
        }
        return decoded;
    }

    /** Lists held, for tests. */
    synchronized int size() {
        return lists.size();
    }

    /**
     * A range of bytes, compared by content (a vectorised compare, far cheaper than decoding) and hashed from its
     * length and a sample of its bytes, so that a lookup does not read all of them twice.
     */
    private static final class Key {
        private static final int SAMPLES = 64;
        final byte[] bytes;
        final int offset;
        final int length;
        private final int hash;

        Key(byte[] bytes, int from, int to) {
            this.bytes = bytes;
            this.offset = from;
            this.length = to - from;
            int h = length;
            int step = Math.max(1, length / SAMPLES);
            for (int i = 0; i < length; i += step) {
                h = 31 * h + bytes[from + i];
            }
            for (int i = Math.max(0, length - SAMPLES); i < length; i++) {
                h = 31 * h + bytes[from + i];
            }
            this.hash = h;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && k.length == length
                    && Arrays.equals(bytes, offset, offset + length, k.bytes, k.offset, k.offset + k.length);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
