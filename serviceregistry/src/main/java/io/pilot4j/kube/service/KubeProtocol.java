package io.pilot4j.kube.service;

import io.pilot4j.model.Protocol;

import java.util.Set;

/**
 * The protocol of a Kubernetes Service port, by Istio's rules (pkg/config/kube ConvertProtocol): the transport
 * protocol field first, then {@code appProtocol}, then the port-name prefix ({@code http-web}, {@code grpc},
 * {@code tcp-db}), and TCP for a few well-known ports whose servers speak first (sniffing would break them).
 */
public final class KubeProtocol {
    /** SMTP, DNS, MySQL, MongoDB: the client waits for the server, so protocol sniffing would hang. */
    private static final Set<Integer> WELL_KNOWN_TCP_PORTS = Set.of(25, 53, 3306, 27017);

    private KubeProtocol() {
    }

    /**
     * @param port        the service port number
     * @param name        the port name, may be null or empty
     * @param protocol    the transport protocol field (TCP, UDP, SCTP), null meaning TCP
     * @param appProtocol the {@code appProtocol} field, may be null
     */
    public static Protocol convert(int port, String name, String protocol, String appProtocol) {
        if ("UDP".equalsIgnoreCase(protocol)) {
            return Protocol.UDP;
        }
        // Istio lets port names apply to SCTP ports too; Envoy cannot proxy SCTP, so no name may turn one into HTTP.
        if ("SCTP".equalsIgnoreCase(protocol)) {
            return Protocol.UNSUPPORTED;
        }
        String declared = name == null ? "" : name;
        if (appProtocol != null && !appProtocol.isEmpty()) {
            // Kubernetes' standard appProtocol names; a port name can never take these values.
            switch (appProtocol) {
                case "kubernetes.io/h2c":
                    return Protocol.HTTP2;
                case "kubernetes.io/ws":
                    return Protocol.HTTP;
                case "kubernetes.io/wss":
                    return Protocol.HTTPS;
                default:
                    declared = appProtocol;
            }
        }
        Protocol p = Protocol.fromPortName(declared);
        if (p == Protocol.UNSUPPORTED && WELL_KNOWN_TCP_PORTS.contains(port)) {
            return Protocol.TCP;
        }
        return p;
    }
}
