package io.pilot4j.kube.serviceentry;

import io.fabric8.istio.api.networking.v1.ServiceEntry;
import io.pilot4j.kube.FieldError;
import io.pilot4j.kube.Yaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ServiceEntryValidationTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("valid", """
                        hosts: [api.example.com]
                        resolution: DNS
                        ports: [{name: http, number: 80, protocol: HTTP}]
                        """, List.of()),
                arguments("no hosts", """
                        ports: [{name: http, number: 80, protocol: HTTP}]
                        """, List.of("spec.hosts: at least one host is required")),
                arguments("bad hosts", """
                        hosts: ["*", "bad_host.example.com", "a.example.com", "a.example.com", "api.123"]
                        """, List.of(
                        "spec.hosts[0]: \"*\" is not allowed: a ServiceEntry must name its hosts",
                        "spec.hosts[1]: domain name \"bad_host.example.com\" is invalid (label \"bad_host\" is invalid)",
                        "spec.hosts[3]: \"a.example.com\" is already listed at spec.hosts[2]",
                        "spec.hosts[4]: domain name \"api.123\" is invalid (top level domain \"123\" cannot be all-numeric)")),
                arguments("wildcard host with DNS and no endpoints", """
                        hosts: ["*.example.com"]
                        resolution: DNS
                        ports: [{name: http, number: 80, protocol: HTTP}]
                        """, List.of("spec.hosts[0]: wildcard host \"*.example.com\" needs spec.endpoints with resolution DNS")),
                arguments("wildcard host with NONE is fine", """
                        hosts: ["*.example.com"]
                        ports: [{name: http, number: 80, protocol: HTTP}]
                        """, List.of()),
                arguments("ports: names, numbers, protocols, target ports", """
                        hosts: [a.example.com]
                        ports:
                        - {number: 80, protocol: HTTP}
                        - {name: http, number: 70000, protocol: HTTP}
                        - {name: http, number: 81, protocol: HTTPX}
                        - {name: Bad_Name, protocol: TCP}
                        - {name: tls, number: 81, protocol: TLS, targetPort: 0}
                        - {name: grpc, number: 82, protocol: GRPC, targetPort: 65536}
                        """, List.of(
                        "spec.ports[0].name: required",
                        "spec.ports[1].number: 70000 is out of range 1-65535",
                        "spec.ports[2].name: \"http\" is already used by spec.ports[1]",
                        "spec.ports[2].protocol: unknown protocol \"HTTPX\": want one of GRPC, GRPC-Web, HTTP, HTTP_PROXY, HTTP2, HTTPS, TCP, TLS, UDP, MONGO, REDIS, MYSQL",
                        "spec.ports[3].name: \"Bad_Name\" is not a valid port name (lowercase letters, digits and '-', at most 63)",
                        "spec.ports[3].number: required",
                        "spec.ports[4].number: 81 is already used by spec.ports[2]",
                        "spec.ports[5].targetPort: 65536 is out of range 1-65535")),
                arguments("DYNAMIC_DNS", """
                        hosts: ["*.example.com"]
                        resolution: DYNAMIC_DNS
                        ports: [{name: http, number: 80, protocol: HTTP}]
                        """, List.of("spec.resolution: DYNAMIC_DNS is not supported")),
                arguments("NONE must not have endpoints", """
                        hosts: [a.example.com]
                        resolution: NONE
                        endpoints: [{address: 10.0.0.1}]
                        """, List.of("spec.endpoints: must be empty with resolution NONE (traffic goes to the address the client dialled)")),
                arguments("addresses", """
                        hosts: [a.example.com]
                        resolution: DNS
                        addresses: [10.0.0.1, 10.0.0.0/8, "fd00::/8", nope, 10.0.0.0/33]
                        ports: [{name: http, number: 80, protocol: HTTP}]
                        """, List.of(
                        "spec.addresses[1]: CIDR blocks are allowed only with resolution NONE or STATIC",
                        "spec.addresses[2]: CIDR blocks are allowed only with resolution NONE or STATIC",
                        "spec.addresses[3]: \"nope\" is not a valid IP address or CIDR block",
                        "spec.addresses[4]: \"10.0.0.0/33\" is not a valid IP address or CIDR block")),
                arguments("STATIC endpoints must be IPs or unix sockets, ports and weights checked", """
                        hosts: [a.example.com]
                        resolution: STATIC
                        ports: [{name: http, number: 80, protocol: HTTP}]
                        endpoints:
                        - {address: db.example.com}
                        - {address: 10.0.0.1, ports: {htp: 8080, http: 0}}
                        - {address: 10.0.0.2, weight: -1}
                        - {address: 10.0.0.3, weight: 4294967295}
                        - {}
                        - {address: "unix:///sock", ports: {http: 80}}
                        """, List.of(
                        "spec.endpoints[0].address: \"db.example.com\" is not a valid IP address (resolution STATIC needs IPs or unix:// paths)",
                        "spec.endpoints[1].ports[htp]: no port named \"htp\" in spec.ports",
                        "spec.endpoints[1].ports[http]: 0 is out of range 1-65535",
                        "spec.endpoints[2].weight: -1 is out of range 0-2147483647",
                        "spec.endpoints[3].weight: 4294967295 is out of range 0-2147483647",
                        "spec.endpoints[4].address: required",
                        "spec.endpoints[5].ports: must be empty for a unix:// address")),
                arguments("unix socket needs exactly one service port", """
                        hosts: [a.example.com]
                        resolution: STATIC
                        ports: [{name: http, number: 80, protocol: HTTP}, {name: http2, number: 81, protocol: HTTP2}]
                        endpoints: [{address: "unix:///sock"}]
                        """, List.of("spec.endpoints[0].address: a unix:// endpoint needs exactly one port in spec.ports, found 2")),
                arguments("DNS endpoints: IP or hostname, no sockets; DNS_ROUND_ROBIN at most one", """
                        hosts: [a.example.com]
                        resolution: DNS_ROUND_ROBIN
                        ports: [{name: http, number: 80, protocol: HTTP}]
                        endpoints:
                        - {address: "bad host"}
                        - {address: "unix:///sock"}
                        """, List.of(
                        "spec.endpoints: at most one endpoint is allowed with resolution DNS_ROUND_ROBIN, got 2",
                        "spec.endpoints[0].address: \"bad host\" is not a valid IP address or hostname",
                        "spec.endpoints[1].address: unix:// addresses are allowed only with resolution STATIC")),
                arguments("several hosts need HTTP or TLS ports unless NONE", """
                        hosts: [a.example.com, b.example.com]
                        resolution: DNS
                        ports: [{name: http, number: 80, protocol: HTTP}, {name: tcp, number: 9000, protocol: TCP}]
                        """, List.of("spec.ports[1].protocol: with several hosts and resolution DNS every port must be HTTP or TLS based (got TCP)")),
                arguments("several hosts with TCP and NONE are fine", """
                        hosts: [a.example.com, b.example.com]
                        ports: [{name: tcp, number: 9000, protocol: TCP}]
                        """, List.of()),
                arguments("workloadSelector and endpoints together", """
                        hosts: [a.example.com]
                        resolution: STATIC
                        workloadSelector: {labels: {app: a}}
                        ports: [{name: http, number: 80, protocol: HTTP}]
                        endpoints: [{address: 10.0.0.1}]
                        """, List.of("spec.workloadSelector: cannot be set together with spec.endpoints")),
                arguments("exportTo", """
                        hosts: [a.example.com]
                        exportTo: [".", "shop", "web", "web", "*", "Bad_NS"]
                        """, List.of(
                        "spec.exportTo[1]: duplicate entry: \".\" and \"shop\" both name namespace shop",
                        "spec.exportTo[3]: duplicate entry \"web\"",
                        "spec.exportTo[5]: \"Bad_NS\" is not \".\", \"*\", \"~\" or a namespace name",
                        "spec.exportTo: \"*\" cannot be combined with other entries")),
                arguments("exportTo none alone is fine", """
                        hosts: [a.example.com]
                        exportTo: ["~"]
                        """, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validate(String name, String spec, List<String> expected) {
        String yaml = "metadata: {name: se, namespace: shop}\nspec:\n" + spec.indent(2);
        ServiceEntry se = Yaml.read(yaml, ServiceEntry.class);
        List<FieldError> errors = ServiceEntryValidation.validate(se.getSpec(), "shop");
        assertEquals(expected, errors.stream().map(Object::toString).toList());
    }

    @Test
    void conversionReportsValidationErrors() {
        ServiceEntry se = Yaml.read("""
                metadata: {name: se}
                spec:
                  hosts: [a.example.com]
                  ports: [{name: http, number: 70000, protocol: HTTP}]
                """, ServiceEntry.class);
        assertEquals(List.of("spec.ports[0].number: 70000 is out of range 1-65535"),
                ServiceEntryConversion.convert(se).errors().stream().map(Object::toString).toList());
    }
}
