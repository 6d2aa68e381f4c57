package io.pilot4j.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.pilot4j.translate.XdsResource;

/**
 * One generated resource, serialised once: the {@code Any} every response carries, and its version, a hash of those
 * bytes. Shared by every connection that is sent it, and reused across pushes while its inputs do not change.
 */
final class PackedResource {
    private final String name;
    private final Any resource;
    private final String version;
    private final long entry;
    // Built on first use by a delta stream; racy but idempotent, the inputs being immutable.
    private volatile Resource deltaResource;

    private PackedResource(String name, Any resource, String version) {
        this.name = name;
        this.resource = resource;
        this.version = version;
        this.entry = ResourceVersion.entry(name, version);
    }

    static PackedResource pack(XdsResource generated) {
        Any any = Any.pack(generated.resource());
        return new PackedResource(generated.name(), any, ResourceVersion.of(any));
    }

    String name() {
        return name;
    }

    Any resource() {
        return resource;
    }

    String version() {
        return version;
    }

    /** What it adds to the version of a state-of-the-world response that carries it. */
    long entry() {
        return entry;
    }

    /** Serialised size, as Istio measures config size. */
    int size() {
        return resource.getValue().size();
    }

    /** The resource as a delta response carries it. */
    Resource deltaResource() {
        Resource r = deltaResource;
        if (r == null) {
            r = Resource.newBuilder().setName(name).setVersion(version).setResource(resource).build();
            deltaResource = r;
        }
        return r;
    }
}
