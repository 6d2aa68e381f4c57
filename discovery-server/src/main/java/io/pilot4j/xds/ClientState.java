package io.pilot4j.xds;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What one connection's client watches and holds, for every type it subscribed to: one immutable value. The
 * connection's executor replaces it whole after each request and each response, computed from what it decided and
 * sent; debug endpoints on other threads read whichever value is current. State of the world and delta keep it
 * alike.
 */
record ClientState(Map<XdsType, WatchedResource> types) {
    static final ClientState NONE = new ClientState(Map.of());

    ClientState {
        // In push order, as /debug/syncz lists types.
        EnumMap<XdsType, WatchedResource> copy = new EnumMap<>(XdsType.class);
        copy.putAll(types);
        types = Collections.unmodifiableMap(copy);
    }

    /** The watch of a type; null when the client does not subscribe to it. */
    WatchedResource get(XdsType type) {
        return types.get(type);
    }

    /** With the watch of a type replaced; null forgets the type. */
    ClientState with(XdsType type, WatchedResource watch) {
        if (types.get(type) == watch) {
            return this;
        }
        EnumMap<XdsType, WatchedResource> next = new EnumMap<>(XdsType.class);
        next.putAll(types);
        if (watch == null) {
            next.remove(type);
        } else {
            next.put(type, watch);
        }
        return new ClientState(next);
    }
}
