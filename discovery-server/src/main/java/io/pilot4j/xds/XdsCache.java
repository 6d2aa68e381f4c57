package io.pilot4j.xds;

import io.pilot4j.model.PushChanges;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.SubsetKey;
import io.pilot4j.monitoring.PilotMetrics;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Istio's XdsCache: what generators made of the current push snapshot, packed and versioned once, shared by every
 * connection that asks for the same thing. A generator reads only its {@link ProxyView}, the subscribed names and the
 * {@link PushContext}, so a {@link Key} of (type, view, names) within one snapshot covers every input by construction.
 *
 * <p>Bounded by the snapshots: the entries of the {@link #RECENT} most recent are kept, since a push made for one
 * snapshot may run after the next is installed (partial endpoint pushes send the snapshot they were made for), and
 * older ones are dropped. Endpoint assignments are kept one by one across snapshots as well (Istio's EDS cache): an assignment reads the push only through its cluster's service
 * and that service's endpoints, so it stays valid until {@link PushChanges} names that service, and an endpoint change
 * to one service rebuilds one assignment, not every subscription's. An assignment nobody read during a snapshot is
 * not carried into the next.
 */
final class XdsCache {
    /** A name the endpoint generator does not answer (not a cluster name): remembered as such, never sent. */
    private static final Assignment NOT_SERVED = new Assignment(
            PackedResource.pack(new XdsResource("", com.google.protobuf.Empty.getDefaultInstance())), null);

    /** Snapshots whose entries are kept: the current one and those it replaced most recently. */
    static final int RECENT = 3;

    private final PilotMetrics metrics;
    /** Newest first; replaced whole on install, so readers need no lock. */
    private volatile List<Snapshot> snapshots = List.of(new Snapshot(null, null, PushChanges.everything()));

    XdsCache(PilotMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * What one generator makes for one view and subscription. Connections keep the key they were given back (in the
     * generation) so that later lookups of equal subscriptions compare by identity, not name by name.
     */
    static final class Key {
        private final XdsType type;
        private final ProxyView view;
        private final ResourceNames names;
        private final int hash;
        private volatile List<EndpointKey> endpointKeys;

        Key(XdsType type, ProxyView view, ResourceNames names) {
            this.type = Objects.requireNonNull(type, "type");
            this.view = Objects.requireNonNull(view, "view");
            this.names = Objects.requireNonNull(names, "names");
            this.hash = Objects.hash(type, view, names);
        }

        XdsType type() {
            return type;
        }

        ProxyView view() {
            return view;
        }

        ResourceNames names() {
            return names;
        }

        /** The endpoint assignment keys of this subscription, in order; made once, on first use. */
        List<EndpointKey> endpointKeys() {
            List<EndpointKey> k = endpointKeys;
            if (k == null) {
                List<EndpointKey> out = new ArrayList<>(names.names().size());
                for (String name : names.names()) {
                    out.add(new EndpointKey(view, name));
                }
                k = List.copyOf(out);
                endpointKeys = k;
            }
            return k;
        }

        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof Key k && hash == k.hash && type == k.type && view.equals(k.view) && names.equals(k.names);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * Starts serving a new snapshot: the entries of the oldest recent one are dropped, and the endpoint assignments
     * read during the previous one are carried over unless {@code changes} touched their service. Carried over when
     * first read, not now: installing costs nothing, whatever the number of assignments.
     */
    void install(PushContext push, PushChanges changes) {
        List<Snapshot> recent = snapshots;
        Snapshot previous = recent.get(0);
        List<Snapshot> next = new ArrayList<>(RECENT);
        next.add(new Snapshot(push, changes.mesh() ? null : previous, changes));
        for (Snapshot s : recent) {
            if (next.size() < RECENT && s.push != null) {
                next.add(s);
            }
        }
        // The oldest kept no longer inherits: what it did not read by now it generates, so chains stay short.
        if (next.size() > 1) {
            next.get(next.size() - 1).forgetParent();
        }
        snapshots = List.copyOf(next);
    }

    /** Entries of the current snapshot, for xds_cache_size. */
    int size() {
        Snapshot s = snapshots.get(0);
        return s.responses.size() + s.endpoints.size();
    }

    /** The generation for a key, made at most once per recent snapshot; an older snapshot is generated, not kept. */
    Generation get(Key key, PushContext push, XdsGenerator generator) {
        Snapshot s = null;
        for (Snapshot recent : snapshots) {
            if (recent.push == push) {
                s = recent;
                break;
            }
        }
        if (s == null) {
            metrics.xdsCacheRead(false);
            return generate(key, push, generator, null);
        }
        Slot slot = s.responses.computeIfAbsent(key, Slot::new);
        Generation g;
        boolean made;
        synchronized (slot) {
            made = slot.generation == null;
            if (made) {
                slot.generation = generate(slot.key, push, generator, s);
            }
            g = slot.generation;
        }
        metrics.xdsCacheRead(!made);
        return g;
    }

    private static Generation generate(Key key, PushContext push, XdsGenerator generator, Snapshot s) {
        if (key.type == XdsType.EDS && !key.names.wildcard()) {
            return endpoints(key, push, generator, s);
        }
        List<XdsResource> made = generator.generate(key.view, push, key.names);
        List<PackedResource> packed = new ArrayList<>(made.size());
        for (XdsResource r : made) {
            packed.add(PackedResource.pack(r));
        }
        return new Generation(key, packed);
    }

    /** Assignment by assignment, reusing those of clusters whose service did not change since they were made. */
    private static Generation endpoints(Key key, PushContext push, XdsGenerator generator, Snapshot s) {
        List<PackedResource> out = new ArrayList<>(key.names.names().size());
        List<String> hosts = new ArrayList<>(key.names.names().size());
        for (EndpointKey k : key.endpointKeys()) {
            String name = k.name;
            Assignment a = s == null ? null : s.endpoint(k);
            if (a == null) {
                // The generator answers names one by one, in order: one name at a time gives the same list.
                List<XdsResource> made = generator.generate(key.view, push, ResourceNames.of(name));
                a = made.isEmpty() ? NOT_SERVED
                        : new Assignment(PackedResource.pack(made.get(0)), SubsetKey.parse(name).map(SubsetKey::hostname).orElse(null));
                if (s != null) {
                    s.endpoints.put(k, a);
                }
            }
            if (a != NOT_SERVED) {
                out.add(a.packed);
                hosts.add(a.host);
            }
        }
        return Generation.ofEndpoints(key, out, hosts);
    }

    private static final class Slot {
        final Key key;
        Generation generation;

        Slot(Key key) {
            this.key = key;
        }
    }

    /**
     * One endpoint assignment (or a name that is none) for one view. Made once per subscription ({@link
     * Key#endpointKeys}) with its hash, so that a push looks up thousands of them without hashing the view each time.
     */
    static final class EndpointKey {
        private final ProxyView view;
        private final String name;
        private final int hash;

        EndpointKey(ProxyView view, String name) {
            this.view = view;
            this.name = name;
            this.hash = 31 * view.hashCode() + name.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof EndpointKey k && hash == k.hash && name.equals(k.name) && (view == k.view || view.equals(k.view));
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** An assignment made, and the hostname of its cluster (null for a name that is not a cluster's), parsed once. */
    private record Assignment(PackedResource packed, String host) {
    }

    private static final class Snapshot {
        final PushContext push;
        final Map<Key, Slot> responses = new ConcurrentHashMap<>();
        /** Assignments made or read during this snapshot: what the next one may inherit. */
        final Map<EndpointKey, Assignment> endpoints = new ConcurrentHashMap<>();
        /** The snapshot this one replaced, whose assignments this one reads unless {@code changes} touched them. */
        private volatile Snapshot parent;
        private final PushChanges changes;

        Snapshot(PushContext push, Snapshot parent, PushChanges changes) {
            this.push = push;
            this.parent = parent;
            this.changes = changes;
        }

        Assignment endpoint(EndpointKey key) {
            Assignment p = endpoints.get(key);
            if (p == null) {
                Snapshot from = parent;
                p = from == null ? null : from.endpoints.get(key);
                if (p != null && p.host != null && changes.touches(p.host)) {
                    p = null;
                }
                if (p != null) {
                    endpoints.put(key, p);
                }
            }
            return p;
        }

        void forgetParent() {
            parent = null;
        }
    }
}
