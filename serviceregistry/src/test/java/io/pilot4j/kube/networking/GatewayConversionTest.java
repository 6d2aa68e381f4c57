package io.pilot4j.kube.networking;

import io.fabric8.istio.api.networking.v1.Gateway;
import io.pilot4j.kube.FieldError;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.Yaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Gateways to the model with Istio's server checks, each bad input with the field at fault. */
class GatewayConversionTest {

    private static Result<io.pilot4j.model.networking.Gateway> convert(String servers) {
        Gateway gw = Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: ingress, namespace: istio-system}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                """ + servers.indent(2), Gateway.class);
        return GatewayConversion.convert(gw, gw.getSpec());
    }

    @Test
    void serversConvertWithTheirTls() {
        Result<io.pilot4j.model.networking.Gateway> r = convert("""
                - port: {number: 443, name: https, protocol: HTTPS}
                  name: web
                  hosts: ["shop/*.example.com", "./a.example.com"]
                  tls: {mode: MUTUAL, serverCertificate: /c.pem, privateKey: /c.key, caCertificates: /ca.pem,
                        subjectAltNames: [client], minProtocolVersion: TLSV1_2, caCrl: /crl.pem, cipherSuites: [ECDHE-ECDSA-AES128-GCM-SHA256],
                        tlsCertificates: [{serverCertificate: /ec.pem, privateKey: /ec.key, caCertificates: /ca.pem}],
                        verifyCertificateSpki: [spki], verifyCertificateHash: [hash]}
                - port: {number: 80, name: http, protocol: HTTP}
                  hosts: ["*"]
                  tls: {httpsRedirect: true}
                """);
        assertTrue(r.isValid(), () -> r.errors().toString());
        io.pilot4j.model.networking.Gateway gw = r.value();
        assertEquals(Map.of("istio", "ingressgateway"), gw.selector());
        assertEquals(new io.pilot4j.model.networking.Gateway.Server("web", 443, "https", "HTTPS", 0,
                List.of("shop/*.example.com", "./a.example.com"), "", Optional.of(new io.pilot4j.model.networking.Gateway.ServerTlsSettings(
                "MUTUAL", false, "/c.pem", "/c.key", List.of(new io.pilot4j.model.networking.Gateway.CertificateFiles("/ec.pem", "/ec.key")),
                "/ca.pem", "/crl.pem", "", "", List.of("client"), List.of("spki"), List.of("hash"), "TLSV1_2", "",
                List.of("ECDHE-ECDSA-AES128-GCM-SHA256")))), gw.servers().get(0));
        assertEquals(true, gw.servers().get(1).tls().orElseThrow().httpsRedirect());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("HTTPS without TLS settings", """
                        - port: {number: 443, name: https, protocol: HTTPS}
                          hosts: ["*"]
                        """, List.of("spec.servers[0].tls: required: a server on an HTTPS or TLS port must have TLS settings")),
                arguments("SIMPLE without certificate files", """
                        - port: {number: 443, name: https, protocol: HTTPS}
                          hosts: ["*"]
                          tls: {mode: SIMPLE}
                        """, List.of("spec.servers[0].tls.serverCertificate: required with mode SIMPLE (or credentialName)",
                        "spec.servers[0].tls.privateKey: required with mode SIMPLE (or credentialName)")),
                arguments("MUTUAL without the client CA", """
                        - port: {number: 443, name: https, protocol: HTTPS}
                          hosts: ["*"]
                          tls: {mode: MUTUAL, serverCertificate: /c.pem, privateKey: /c.key}
                        """, List.of("spec.servers[0].tls.caCertificates: required with mode MUTUAL: the CA that signs client certificates")),
                arguments("both a credentialName and files", """
                        - port: {number: 443, name: https, protocol: HTTPS}
                          hosts: ["*"]
                          tls: {mode: SIMPLE, credentialName: cert, serverCertificate: /c.pem, privateKey: /c.key}
                        """, List.of("spec.servers[0].tls: only one of credentialName and serverCertificate/privateKey may be set")),
                arguments("ISTIO_MUTUAL with a certificate", """
                        - port: {number: 443, name: https, protocol: HTTPS}
                          hosts: ["*"]
                          tls: {mode: ISTIO_MUTUAL, serverCertificate: /c.pem}
                        """, List.of("spec.servers[0].tls.serverCertificate: ISTIO_MUTUAL TLS cannot have an associated serverCertificate")),
                arguments("certificates on a plain HTTP server", """
                        - port: {number: 80, name: http, protocol: HTTP}
                          hosts: ["*"]
                          tls: {mode: SIMPLE, serverCertificate: /c.pem, privateKey: /c.key}
                        """, List.of("spec.servers[0].tls: a plain text HTTP server can only have tls.httpsRedirect")),
                arguments("TLS settings on a TCP server", """
                        - port: {number: 9000, name: tcp, protocol: TCP}
                          hosts: ["*"]
                          tls: {httpsRedirect: true}
                        """, List.of("spec.servers[0].tls: a server cannot have TLS settings for non HTTPS/TLS ports")),
                arguments("unknown protocol, missing and duplicate port names", """
                        - port: {number: 80, name: web, protocol: HTTPX}
                          hosts: ["*"]
                        - port: {number: 81, protocol: HTTP}
                          hosts: ["*"]
                        - port: {number: 82, name: web, protocol: HTTP}
                          hosts: ["*"]
                        """, List.of("spec.servers[0].port.protocol: invalid protocol \"HTTPX\", supported protocols are HTTP, HTTP2, GRPC, "
                                + "GRPC-WEB, HTTPS, TLS, MONGO, REDIS, MYSQL, TCP",
                        "spec.servers[1].port.name: required: a server's port needs a name",
                        "spec.servers[2].port.name: port names in servers must be unique: duplicate name web")),
                arguments("bad hosts and bind", """
                        - port: {number: 80, name: http, protocol: HTTP}
                          hosts: ["/a.example.com", "ns/", "bad_ns/a.example.com", "a..example.com"]
                          bind: eth0
                        """, List.of("spec.servers[0].hosts[0]: \"/a.example.com\": the namespace before / must be *, . or a namespace name",
                        "spec.servers[0].hosts[1]: \"ns/\": a host is required after the namespace",
                        "spec.servers[0].hosts[2]: \"bad_ns/a.example.com\": the namespace before / must be *, . or a namespace name",
                        "spec.servers[0].hosts[3]: domain name \"a..example.com\" is invalid (label \"\" is invalid)",
                        "spec.servers[0].bind: \"eth0\" is not an IP address (unix domain sockets are not supported)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidServersNameTheField(String name, String servers, List<String> expected) {
        Result<io.pilot4j.model.networking.Gateway> r = convert(servers);
        assertEquals(expected, r.errors().stream().map(FieldError::toString).toList());
    }
}
