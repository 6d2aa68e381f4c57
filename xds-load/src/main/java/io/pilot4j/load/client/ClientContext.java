package io.pilot4j.load.client;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.pilot4j.load.xds.NameTable;
import io.pilot4j.load.xds.ResourceDecoder;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** What every simulated client of a fleet shares. */
record ClientContext(NameTable names, ResourceDecoder decoder, Observations observations, ChangeTracker changes,
                     ScheduledExecutorService timer, long reconnectDelayMillis) {

    /**
     * A client's stream ended: counted, and dialled again after the reconnect delay, unless the server lacks the
     * method (delta on a SotW-only server), which redialling will not change.
     */
    void streamEnded(Throwable why, Runnable redial) {
        observations.streamFailed(why);
        if (io.grpc.Status.fromThrowable(why).getCode() != io.grpc.Status.Code.UNIMPLEMENTED) {
            timer.schedule(redial, reconnectDelayMillis, TimeUnit.MILLISECONDS);
        }
    }

    static Node node(int client, String namespace) {
        return Node.newBuilder()
                .setId(NodeIds.sidecar(client, namespace))
                .setCluster("istio-proxy." + namespace)
                .setUserAgentName("envoy")
                .setMetadata(com.google.protobuf.Struct.newBuilder()
                        .putFields("NAMESPACE", string(namespace))
                        .putFields("INSTANCE_IPS", string(NodeIds.ip(client)))
                        .putFields("CLUSTER_ID", string("Kubernetes"))
                        .putFields("LABELS", com.google.protobuf.Value.newBuilder().setStructValue(com.google.protobuf.Struct.newBuilder()
                                .putFields("app", string("load-client"))).build()))
                .build();
    }

    private static com.google.protobuf.Value string(String s) {
        return com.google.protobuf.Value.newBuilder().setStringValue(s).build();
    }
}
