package io.pilot4j.testing;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

import java.util.concurrent.TimeUnit;

/**
 * grpc-java's xDS client as a proxyless workload: the bootstrap it reads (node {@code sidecar~127.0.0.1~client.NS~NS...}
 * with GENERATOR=grpc, as Istio's gRPC bootstrap writes it) and an {@code xds:///} channel. grpc-java reads its
 * bootstrap once per JVM, so a class using this runs in a JVM of its own (see the surefire executions in the pom).
 */
public final class GrpcXdsClient implements AutoCloseable {
    private final ManagedChannel channel;

    private GrpcXdsClient(ManagedChannel channel) {
        this.channel = channel;
    }

    /**
     * @param nodeExtras further fields of the bootstrap's node, as JSON members (e.g. a locality), or empty
     * @param target     the channel's target, {@code xds:///host:port}
     */
    public static GrpcXdsClient connect(String xdsServer, String namespace, String nodeExtras, String target) {
        System.setProperty("io.grpc.xds.bootstrapConfig", """
                {
                  "xds_servers": [{"server_uri": "%s", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
                  "node": {
                    "id": "sidecar~127.0.0.1~client.%s~%s.svc.cluster.local",%s
                    "metadata": {"GENERATOR": "grpc", "NAMESPACE": "%s"}
                  }
                }""".formatted(xdsServer, namespace, namespace, nodeExtras.isEmpty() ? "" : "\n    " + nodeExtras + ",", namespace));
        return new GrpcXdsClient(Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build());
    }

    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
