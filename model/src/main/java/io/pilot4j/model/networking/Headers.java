package io.pilot4j.model.networking;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Istio's Headers: what to change in the request on its way to the destination, and in the response. */
public record Headers(Operations request, Operations response) {
    public static final Headers NONE = new Headers(Operations.NONE, Operations.NONE);

    /** set overwrites, add appends, remove drops; maps are sorted by header name, the order Istio emits them in. */
    public record Operations(Map<String, String> set, Map<String, String> add, List<String> remove) {
        public static final Operations NONE = new Operations(Map.of(), Map.of(), List.of());

        public Operations {
            set = java.util.Collections.unmodifiableMap(new TreeMap<>(set));
            add = java.util.Collections.unmodifiableMap(new TreeMap<>(add));
            remove = List.copyOf(remove);
        }

        public boolean isEmpty() {
            return set.isEmpty() && add.isEmpty() && remove.isEmpty();
        }
    }

    public Headers {
        request = request == null ? Operations.NONE : request;
        response = response == null ? Operations.NONE : response;
    }
}
