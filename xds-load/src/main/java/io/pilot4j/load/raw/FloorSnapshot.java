package io.pilot4j.load.raw;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.pilot4j.load.workload.Workload;
import io.pilot4j.load.xds.XdsType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The floor server's resources at one version, with every response it pushes serialised once: per type, the
 * state-of-the-world response holding everything, and the delta response holding what changed since the
 * previous snapshot. Streams write these bytes as they are. Immutable after construction but for lazily built,
 * equally shared, initial delta responses.
 */
final class FloorSnapshot {
    final long version;
    private final Map<XdsType, Map<String, Any>> resources;
    /** Per type, the snapshot version at which each resource last changed: delta's per-resource versions. */
    private final Map<XdsType, Map<String, String>> resourceVersions;
    /** Per type, the version its state-of-the-world response carries: when the type last changed. */
    private final Map<XdsType, String> typeVersions;
    private final Map<XdsType, byte[]> sotw = new EnumMap<>(XdsType.class);
    private final Map<XdsType, byte[]> deltaChanges = new EnumMap<>(XdsType.class);
    private final Map<XdsType, byte[]> deltaAll = new EnumMap<>(XdsType.class);

    private FloorSnapshot(long version, Map<XdsType, Map<String, Any>> resources, FloorSnapshot previous) {
        this.version = version;
        this.resources = resources;
        this.resourceVersions = new EnumMap<>(XdsType.class);
        this.typeVersions = new EnumMap<>(XdsType.class);
        String v = Long.toString(version);
        for (XdsType type : XdsType.values()) {
            Map<String, Any> now = resources.get(type);
            Map<String, Any> before = previous == null ? Map.of() : previous.resources.get(type);
            Map<String, String> versions = new HashMap<>();
            List<String> changed = new ArrayList<>();
            for (Map.Entry<String, Any> e : now.entrySet()) {
                boolean same = e.getValue().equals(before.get(e.getKey()));
                versions.put(e.getKey(), same ? previous.resourceVersions.get(type).get(e.getKey()) : v);
                if (!same) {
                    changed.add(e.getKey());
                }
            }
            List<String> removed = new ArrayList<>();
            for (String name : before.keySet()) {
                if (!now.containsKey(name)) {
                    removed.add(name);
                }
            }
            resourceVersions.put(type, versions);
            if (previous != null && changed.isEmpty() && removed.isEmpty()) {
                typeVersions.put(type, previous.typeVersions.get(type));
                sotw.put(type, previous.sotw.get(type));
                continue;
            }
            typeVersions.put(type, v);
            sotw.put(type, sotwResponse(type, now.keySet()));
            if (previous != null) {
                deltaChanges.put(type, deltaResponse(type, changed, removed, nonce()));
            }
        }
    }

    /** The first snapshot; later ones come from {@link #next}, with the same {@code resources} builder. */
    static FloorSnapshot of(Workload workload, FloorResources builder) {
        return new FloorSnapshot(1, builder.build(workload), null);
    }

    FloorSnapshot next(Workload workload, FloorResources builder) {
        return new FloorSnapshot(version + 1, builder.build(workload), this);
    }

    String nonce() {
        return Long.toString(version);
    }

    int size(XdsType type) {
        return resources.get(type).size();
    }

    /** Whether a subscription to these names (empty or "*" meaning wildcard) is to every resource of the type. */
    boolean isWhole(XdsType type, Collection<String> names) {
        if (type.wildcard && (names.isEmpty() || names.contains("*"))) {
            return true;
        }
        Map<String, Any> all = resources.get(type);
        return names.size() == all.size() && all.keySet().containsAll(names);
    }

    String sotwNonce(XdsType type) {
        return typeVersions.get(type);
    }

    /** The state-of-the-world response with every resource of the type. */
    byte[] sotw(XdsType type) {
        return sotw.get(type);
    }

    /** A state-of-the-world response for a subscription that is not the whole type: built for the one stream. */
    byte[] sotw(XdsType type, Collection<String> names) {
        return sotwResponse(type, names);
    }

    /** What this snapshot changed in the type, as a delta response; null when it changed nothing there. */
    byte[] deltaChanges(XdsType type) {
        return deltaChanges.get(type);
    }

    boolean changed(XdsType type) {
        return deltaChanges.containsKey(type);
    }

    /** Every resource of the type as one delta response, for a wildcard or whole-type subscription. */
    synchronized byte[] deltaAll(XdsType type) {
        return deltaAll.computeIfAbsent(type, t -> deltaResponse(t, resources.get(t).keySet(), List.of(), nonce() + "-all"));
    }

    /** Some resources of the type as a delta response, built for one stream. */
    byte[] delta(XdsType type, Collection<String> names, String nonce) {
        return deltaResponse(type, names, List.of(), nonce);
    }

    private byte[] sotwResponse(XdsType type, Collection<String> names) {
        Map<String, Any> all = resources.get(type);
        DiscoveryResponse.Builder b = DiscoveryResponse.newBuilder()
                .setTypeUrl(type.typeUrl)
                .setVersionInfo(typeVersions.get(type))
                .setNonce(typeVersions.get(type));
        for (String name : names) {
            Any any = all.get(name);
            if (any != null) {
                b.addResources(any);
            }
        }
        return b.build().toByteArray();
    }

    private byte[] deltaResponse(XdsType type, Collection<String> names, Collection<String> removed, String nonce) {
        Map<String, Any> all = resources.get(type);
        Map<String, String> versions = resourceVersions.get(type);
        DeltaDiscoveryResponse.Builder b = DeltaDiscoveryResponse.newBuilder()
                .setTypeUrl(type.typeUrl)
                .setSystemVersionInfo(Long.toString(version))
                .setNonce(nonce)
                .addAllRemovedResources(removed);
        for (String name : names) {
            Any any = all.get(name);
            if (any != null) {
                b.addResources(Resource.newBuilder().setName(name).setVersion(versions.get(name)).setResource(any));
            }
        }
        return b.build().toByteArray();
    }
}
