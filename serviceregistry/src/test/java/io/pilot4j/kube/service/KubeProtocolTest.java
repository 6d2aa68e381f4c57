package io.pilot4j.kube.service;

import io.pilot4j.model.Protocol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KubeProtocolTest {

    @ParameterizedTest(name = "port {0} name ''{1}'' protocol ''{2}'' appProtocol ''{3}'' -> {4}")
    @CsvSource(nullValues = "null", value = {
            // transport protocol field decides first
            "80,   http,          UDP,  null,              UDP",
            "80,   http,          SCTP, null,              UNSUPPORTED",
            "80,   http,          TCP,  null,              HTTP",
            // appProtocol wins over the name, including Kubernetes' standard names
            "80,   tcp-foo,       TCP,  http,              HTTP",
            "80,   http,          null, kubernetes.io/h2c, HTTP2",
            "80,   http,          null, kubernetes.io/ws,  HTTP",
            "443,  http,          null, kubernetes.io/wss, HTTPS",
            "80,   http,          null, grpc,              GRPC",
            "80,   http,          null, grpc-web,          GRPC_WEB",
            "80,   http,          null, HTTP2,             HTTP2",
            "80,   http,          null, example.com/custom, UNSUPPORTED",
            // port-name prefixes
            "80,   http,          null, null,              HTTP",
            "80,   http-web,      null, null,              HTTP",
            "80,   HTTP-upper,    null, null,              HTTP",
            "80,   http2-api,     null, null,              HTTP2",
            "80,   grpc,          null, null,              GRPC",
            "80,   grpc-api,      null, null,              GRPC",
            "80,   grpc-web,      null, null,              GRPC_WEB",
            "80,   grpc-web-ui,   null, null,              GRPC_WEB",
            "80,   tcp-db,        null, null,              TCP",
            "443,  tls-passthru,  null, null,              TLS",
            "443,  https,         null, null,              HTTPS",
            "27018, mongo-db,     null, null,              MONGO",
            "6379, redis,         null, null,              REDIS",
            "3307, mysql-primary, null, null,              MYSQL",
            "80,   http_proxy,    null, null,              HTTP_PROXY",
            "80,   web,           null, null,              UNSUPPORTED",
            "80,   httpx,         null, null,              UNSUPPORTED",
            "80,   '',            null, null,              UNSUPPORTED",
            "80,   null,          null, null,              UNSUPPORTED",
            // servers that speak first default to TCP rather than sniffing
            "25,   smtp,          null, null,              TCP",
            "53,   dns,           null, null,              TCP",
            "3306, db,            null, null,              TCP",
            "27017, null,         null, null,              TCP",
            "3306, http,          null, null,              HTTP",
    })
    void convert(int port, String name, String protocol, String appProtocol, Protocol expected) {
        assertEquals(expected, KubeProtocol.convert(port, name, protocol, appProtocol));
    }
}
