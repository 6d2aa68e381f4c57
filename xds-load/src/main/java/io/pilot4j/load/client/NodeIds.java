package io.pilot4j.load.client;

/** Envoy sidecar node ids as pilot-agent writes them: {@code sidecar~IP~pod.namespace~namespace.svc.cluster.local}. */
public final class NodeIds {
    private NodeIds() {
    }

    public static String sidecar(int client, String namespace) {
        return "sidecar~" + ip(client) + "~pod-" + client + "." + namespace + "~" + namespace + ".svc.cluster.local";
    }

    /** A loopback address per client (127.255.0.0/16 wrapping): data only, like every address the tool writes. */
    static String ip(int client) {
        int n = Math.floorMod(client, 1 << 16);
        return "127.255." + (n >> 8) + "." + (n & 0xFF);
    }
}
