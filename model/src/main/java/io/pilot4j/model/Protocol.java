package io.pilot4j.model;

import java.util.Locale;

/**
 * Application protocol of a service port, named as Istio names them (pkg/config/protocol).
 * Selection from Kubernetes fields (appProtocol, port-name prefix) lives with the Kubernetes conversion;
 * this type only knows the names.
 */
public enum Protocol {
    GRPC, GRPC_WEB, HTTP, HTTP_PROXY, HTTP2, HTTPS, TCP, TLS, UDP, MONGO, REDIS, MYSQL,
    /** Not declared or not recognised: sniffed where pilot4j can (see the README), TCP elsewhere. */
    UNSUPPORTED;

    /** Parses an Istio protocol name case-insensitively ("http", "GRPC-Web", "h2c" aliases excluded); unknown gives UNSUPPORTED. */
    public static Protocol parse(String name) {
        if (name == null || name.isEmpty()) {
            return UNSUPPORTED;
        }
        switch (name.toLowerCase(Locale.ROOT)) {
            case "grpc": return GRPC;
            case "grpc-web": return GRPC_WEB;
            case "http": return HTTP;
            case "http_proxy": return HTTP_PROXY;
            case "http2": return HTTP2;
            case "https": return HTTPS;
            case "tcp": return TCP;
            case "tls": return TLS;
            case "udp": return UDP;
            case "mongo": return MONGO;
            case "redis": return REDIS;
            case "mysql": return MYSQL;
            default: return UNSUPPORTED;
        }
    }

    /** Istio's port-name convention: {@code <protocol>[-<suffix>]}, e.g. "http-web", "grpc". */
    public static Protocol fromPortName(String portName) {
        if (portName == null || portName.isEmpty()) {
            return UNSUPPORTED;
        }
        int dash = portName.indexOf('-');
        String prefix = dash < 0 ? portName : portName.substring(0, dash);
        // "grpc-web" is the one protocol whose own name contains a dash.
        if (portName.toLowerCase(Locale.ROOT).startsWith("grpc-web")) {
            return GRPC_WEB;
        }
        return parse(prefix);
    }

    /** Served through an HTTP connection manager and RDS. */
    public boolean isHttp() {
        return this == HTTP || this == HTTP2 || this == GRPC || this == GRPC_WEB || this == HTTP_PROXY;
    }

    /** Served through tcp_proxy; UNSUPPORTED counts as TCP, which sniffing then adds an HTTP chain to. */
    public boolean isTcp() {
        return !isHttp() && this != UDP;
    }

    /** The spelling Istio prints in debug output and configs ("HTTP", "GRPC-Web"). */
    public String istioName() {
        return this == GRPC_WEB ? "GRPC-Web" : name();
    }
}
