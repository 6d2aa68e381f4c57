package io.pilot4j.kube.endpoints;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.Yaml;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class EndpointSliceConversionTest {
    private static final String DOMAIN = "cluster.local";

    static Stream<Arguments> valid() {
        return Stream.of(
                arguments("every address times every port, zone as locality, health per endpoint", """
                                apiVersion: discovery.k8s.io/v1
                                kind: EndpointSlice
                                metadata:
                                  name: reviews-abc
                                  namespace: bookinfo
                                  labels: {kubernetes.io/service-name: reviews}
                                addressType: IPv4
                                ports:
                                - {name: http, port: 9080}
                                - {name: metrics, port: 15020}
                                endpoints:
                                - addresses: [10.1.0.1, 10.1.0.2]
                                  conditions: {ready: true}
                                  zone: us-east-1a
                                - addresses: [10.1.0.3]
                                  conditions: {ready: false, serving: true, terminating: true}
                                """,
                        new ServiceEndpoints("bookinfo", "reviews", "reviews.bookinfo.svc.cluster.local", List.of(
                                ep("10.1.0.1", 9080, "http", "us-east-1a", HealthStatus.HEALTHY),
                                ep("10.1.0.1", 15020, "metrics", "us-east-1a", HealthStatus.HEALTHY),
                                ep("10.1.0.2", 9080, "http", "us-east-1a", HealthStatus.HEALTHY),
                                ep("10.1.0.2", 15020, "metrics", "us-east-1a", HealthStatus.HEALTHY),
                                ep("10.1.0.3", 9080, "http", "", HealthStatus.DRAINING),
                                ep("10.1.0.3", 15020, "metrics", "", HealthStatus.DRAINING)))),
                arguments("IPv6, unnamed port, default namespace, no conditions", """
                                kind: EndpointSlice
                                metadata:
                                  name: web-v6
                                  labels: {kubernetes.io/service-name: web}
                                addressType: IPv6
                                ports: [{port: 8080}]
                                endpoints:
                                - addresses: ["fd00::1"]
                                - addresses: ["fd00::2"]
                                  conditions: {ready: false}
                                """,
                        new ServiceEndpoints("default", "web", "web.default.svc.cluster.local", List.of(
                                ep("fd00::1", 8080, "", "", HealthStatus.HEALTHY),
                                ep("fd00::2", 8080, "", "", HealthStatus.UNHEALTHY)))),
                arguments("no endpoints yet", """
                                kind: EndpointSlice
                                metadata:
                                  name: web-empty
                                  labels: {kubernetes.io/service-name: web}
                                addressType: IPv4
                                ports: [{name: http, port: 80}]
                                """,
                        new ServiceEndpoints("default", "web", "web.default.svc.cluster.local", List.of())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void converts(String name, String yaml, ServiceEndpoints expected) {
        Result<ServiceEndpoints> result = EndpointSliceConversion.convert(Yaml.read(yaml, EndpointSlice.class), DOMAIN);
        assertEquals(List.of(), result.errors());
        assertEquals(expected, result.value());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("no service-name label", """
                                kind: EndpointSlice
                                metadata: {name: orphan}
                                addressType: IPv4
                                """,
                        List.of("metadata.labels[kubernetes.io/service-name]: required")),
                arguments("FQDN slices are not supported", """
                                kind: EndpointSlice
                                metadata: {name: s, labels: {kubernetes.io/service-name: web}}
                                addressType: FQDN
                                endpoints: [{addresses: [db.example.com]}]
                                """,
                        List.of("addressType: FQDN is not supported (as in Istio); use IPv4 or IPv6")),
                arguments("missing addressType", """
                                kind: EndpointSlice
                                metadata: {name: s, labels: {kubernetes.io/service-name: web}}
                                """,
                        List.of("addressType: required")),
                arguments("unknown addressType", """
                                kind: EndpointSlice
                                metadata: {name: s, labels: {kubernetes.io/service-name: web}}
                                addressType: IPv5
                                """,
                        List.of("addressType: unsupported value \"IPv5\": want IPv4 or IPv6")),
                arguments("addresses must match the type", """
                                kind: EndpointSlice
                                metadata: {name: s, labels: {kubernetes.io/service-name: web}}
                                addressType: IPv4
                                endpoints:
                                - addresses: [10.0.0.1, "fd00::1"]
                                - addresses: [300.0.0.1]
                                """,
                        List.of("endpoints[0].addresses[1]: \"fd00::1\" is not an IPv4 address",
                                "endpoints[1].addresses[0]: \"300.0.0.1\" is not an IPv4 address")),
                arguments("ports need a number in range", """
                                kind: EndpointSlice
                                metadata: {name: s, labels: {kubernetes.io/service-name: web}}
                                addressType: IPv4
                                ports: [{name: http}, {name: grpc, port: 0}]
                                """,
                        List.of("ports[0].port: required (no Service port named \"http\" to take the target port from)",
                                "ports[1].port: 0 is out of range 1-65535")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejects(String name, String yaml, List<String> expectedErrors) {
        Result<ServiceEndpoints> result = EndpointSliceConversion.convert(Yaml.read(yaml, EndpointSlice.class), DOMAIN);
        assertEquals(expectedErrors, result.errors().stream().map(Object::toString).toList());
    }

    private static Endpoint ep(String address, int port, String portName, String zone, HealthStatus health) {
        return new Endpoint(address, port, portName, Map.of(), new Locality("", zone, ""), 1, health, "");
    }
}
