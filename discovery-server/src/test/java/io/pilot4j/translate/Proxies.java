package io.pilot4j.translate;

import io.pilot4j.model.Locality;
import io.pilot4j.model.Proxy;

import java.util.HashMap;
import java.util.Map;

/**
 * Test proxies named the way pilot-agent names them, in namespace {@code ns} of cluster.local, as generators see them:
 * the view a connection derives from the node.
 */
public final class Proxies {
    private Proxies() {
    }

    public static ProxyView sidecar(String ns) {
        return sidecar(ns, Map.of());
    }

    public static ProxyView sidecar(String ns, Map<String, String> metadata) {
        return ProxyView.of(Proxy.fromNode("sidecar~10.0.0.1~app-1." + ns + "~" + ns + ".svc.cluster.local", metadata, Map.of()));
    }

    /** A sidecar of the pod at {@code ip}: the services with endpoints there are what its inbound serves. */
    public static ProxyView sidecarAt(String ip, String ns, Map<String, String> metadata) {
        return ProxyView.of(Proxy.fromNode("sidecar~" + ip + "~app-1." + ns + "~" + ns + ".svc.cluster.local", metadata, Map.of()));
    }

    /** A sidecar whose Envoy node reports {@code locality}, with these workload labels. */
    public static ProxyView sidecar(String ns, Map<String, String> labels, Locality locality) {
        return ProxyView.of(Proxy.fromNode("sidecar~10.0.0.1~app-1." + ns + "~" + ns + ".svc.cluster.local", Map.of(), labels, locality));
    }

    public static ProxyView router(String ns) {
        return router(ns, Map.of(), Map.of());
    }

    /** A router with node metadata and workload labels (which Gateway selectors match). */
    public static ProxyView router(String ns, Map<String, String> metadata, Map<String, String> labels) {
        return ProxyView.of(Proxy.fromNode("router~10.0.0.2~gateway-1." + ns + "~" + ns + ".svc.cluster.local", metadata, labels));
    }

    /** A proxyless gRPC client (GENERATOR=grpc), as Istio's gRPC bootstrap describes one. */
    public static ProxyView grpc(String ns) {
        Map<String, String> metadata = new HashMap<>();
        metadata.put(Proxy.GENERATOR, "grpc");
        metadata.put(Proxy.NAMESPACE, ns);
        return ProxyView.of(Proxy.fromNode("sidecar~10.0.0.3~client-1." + ns + "~" + ns + ".svc.cluster.local", metadata, Map.of()));
    }
}
