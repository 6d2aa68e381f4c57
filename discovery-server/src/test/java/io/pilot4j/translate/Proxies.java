package io.pilot4j.translate;

import io.pilot4j.model.Proxy;

import java.util.HashMap;
import java.util.Map;

/** Test proxies named the way pilot-agent names them, in namespace {@code ns} of cluster.local. */
public final class Proxies {
    private Proxies() {
    }

    public static Proxy sidecar(String ns) {
        return sidecar(ns, Map.of());
    }

    public static Proxy sidecar(String ns, Map<String, String> metadata) {
        return Proxy.fromNode("sidecar~10.0.0.1~app-1." + ns + "~" + ns + ".svc.cluster.local", metadata, Map.of());
    }

    public static Proxy router(String ns) {
        return Proxy.fromNode("router~10.0.0.2~gateway-1." + ns + "~" + ns + ".svc.cluster.local", Map.of(), Map.of());
    }

    /** A proxyless gRPC client (GENERATOR=grpc), as Istio's gRPC bootstrap describes one. */
    public static Proxy grpc(String ns) {
        Map<String, String> metadata = new HashMap<>();
        metadata.put(Proxy.GENERATOR, "grpc");
        metadata.put(Proxy.NAMESPACE, ns);
        return Proxy.fromNode("sidecar~10.0.0.3~client-1." + ns + "~" + ns + ".svc.cluster.local", metadata, Map.of());
    }
}
