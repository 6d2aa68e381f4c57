package io.pilot4j.load.xds;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resource names as small integers, shared by every simulated client: thousands of clients each holding a
 * thousand cluster names would otherwise hold millions of equal strings. Clients keep {@link BitSet}s of indexes.
 */
public final class NameTable {
    private final ConcurrentHashMap<String, Integer> indexes = new ConcurrentHashMap<>();
    private final List<String> names = new ArrayList<>();
    /** Encoded resource_names blocks by name set: every client with the same subscription shares one. */
    private final ConcurrentHashMap<BitSet, com.google.protobuf.ByteString> encoded = new ConcurrentHashMap<>();

    public int index(String name) {
        Integer i = indexes.get(name);
        return i != null ? i : indexes.computeIfAbsent(name, this::append);
    }

    private synchronized Integer append(String name) {
        names.add(name);
        return names.size() - 1;
    }

    public synchronized String name(int index) {
        return names.get(index);
    }

    public BitSet indexes(Iterable<String> names) {
        BitSet out = new BitSet();
        for (String n : names) {
            out.set(index(n));
        }
        return out;
    }

    /** A state-of-the-world request's resource_names field for this set, encoded once for all clients. */
    public com.google.protobuf.ByteString encoded(BitSet set) {
        com.google.protobuf.ByteString b = encoded.get(set);
        if (b == null) {
            b = encoded.computeIfAbsent((BitSet) set.clone(), s -> io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest.newBuilder()
                    .addAllResourceNames(names(s)).build().toByteString());
        }
        return b;
    }

    /** The names of a set, in index order: the shared string instances. */
    public synchronized List<String> names(BitSet set) {
        List<String> out = new ArrayList<>(set.cardinality());
        for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
            out.add(names.get(i));
        }
        return out;
    }
}
