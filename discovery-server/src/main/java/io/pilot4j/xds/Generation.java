package io.pilot4j.xds;

import io.envoyproxy.envoy.config.core.v3.ControlPlane;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.pilot4j.model.SubsetKey;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a generator made of one push snapshot for one {@link XdsCache.Key} (type, view, subscription), packed and
 * versioned once and shared by every connection with that key. Immutable; what is derived from it (the
 * state-of-the-world version and response, the assignments of some services) is computed on first use and kept.
 */
final class Generation {
    private final XdsCache.Key key;
    private final List<PackedResource> resources;
    /** For endpoint assignments, the hostname of each resource's cluster (null where none), in order; else null. */
    private final List<String> hosts;
    private final String version;
    private final long bytes;
    // Racy but idempotent lazy values: every thread computes the same from immutable inputs.
    private volatile String sotwVersion;
    private volatile DiscoveryResponse sotwTemplate;
    private volatile Set<String> names;
    private final Map<Set<String>, Generation> endpointsOf = new ConcurrentHashMap<>();

    Generation(XdsCache.Key key, List<PackedResource> resources) {
        this(key, resources, null, null);
    }

    /** Endpoint assignments, with the hostname of each one's cluster, parsed once when it was made. */
    static Generation ofEndpoints(XdsCache.Key key, List<PackedResource> resources, List<String> hosts) {
        if (hosts.size() != resources.size()) {
            throw new IllegalArgumentException(hosts.size() + " hostnames for " + resources.size() + " assignments");
        }
        return new Generation(key, resources, hosts, null);
    }

    private Generation(XdsCache.Key key, List<PackedResource> resources, List<String> hosts, String version) {
        this.key = key;
        this.resources = List.copyOf(resources);
        this.hosts = hosts == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(hosts));
        this.version = version;
        long total = 0;
        for (PackedResource r : this.resources) {
            total += r.size();
        }
        this.bytes = total;
    }

    /** The key this was made for; connections adopt it, so equal subscriptions compare by identity from then on. */
    XdsCache.Key key() {
        return key;
    }

    List<PackedResource> resources() {
        return resources;
    }

    /** The names of the resources, for finding what a delta client holds that no longer exists. */
    Set<String> names() {
        Set<String> n = names;
        if (n == null) {
            Set<String> out = new HashSet<>();
            for (PackedResource r : resources) {
                out.add(r.name());
            }
            n = Set.copyOf(out);
            names = n;
        }
        return n;
    }

    /** A state-of-the-world version_info: a hash of every name and resource version, in order. */
    String version() {
        if (version != null) {
            return version;
        }
        String v = sotwVersion;
        if (v == null) {
            v = ResourceVersion.of(resources);
            sotwVersion = v;
        }
        return v;
    }

    /** Size of the resources' bytes, as Istio measures config size. */
    long bytes() {
        return bytes;
    }

    /** The state-of-the-world response, every field but the nonce, which each connection sets for itself. */
    DiscoveryResponse sotwResponse(ControlPlane controlPlane, String nonce) {
        DiscoveryResponse template = sotwTemplate;
        if (template == null) {
            DiscoveryResponse.Builder b = DiscoveryResponse.newBuilder().setTypeUrl(key.type().typeUrl).setVersionInfo(version())
                    .setControlPlane(controlPlane);
            for (PackedResource r : resources) {
                b.addResources(r.resource());
            }
            template = b.build();
            sotwTemplate = template;
        }
        // toBuilder shares the resource list: a response costs a few objects, not a copy of its resources.
        return template.toBuilder().setNonce(nonce).build();
    }

    /**
     * The assignments of the clusters of these services, with this generation's version: what an endpoint-only push
     * sends a client that holds the rest (Istio's partial EDS push). Kept per set, which a push shares across its
     * connections.
     */
    Generation endpointsOf(Set<String> hostnames) {
        return endpointsOf.computeIfAbsent(hostnames, h -> {
            List<PackedResource> out = new ArrayList<>();
            List<String> outHosts = new ArrayList<>();
            for (int i = 0; i < resources.size(); i++) {
                String host = hosts != null ? hosts.get(i) : SubsetKey.parse(resources.get(i).name()).map(SubsetKey::hostname).orElse(null);
                if (host != null && h.contains(host)) {
                    out.add(resources.get(i));
                    outHosts.add(host);
                }
            }
            return new Generation(key, out, outHosts, version());
        });
    }
}
