package io.pilot4j.translate.grpc;

import io.pilot4j.model.Protocol;
import io.pilot4j.model.ServicePort;

/** Which service ports a proxyless gRPC client can call through xDS routes. */
final class GrpcPorts {
    private GrpcPorts() {
    }

    /**
     * HTTP-family ports, and ports with no declared protocol: Istio routes those as "sniffed", and a gRPC
     * client speaks HTTP/2 whatever the port is called, so an unnamed Kubernetes port must work. Ports declared
     * TCP, TLS and the like are left out, as in Istio.
     */
    static boolean routable(ServicePort port) {
        return port.protocol().isHttp() || port.protocol() == Protocol.UNSUPPORTED;
    }
}
