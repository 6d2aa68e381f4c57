package io.pilot4j.kube.service;

import io.pilot4j.kube.Result;
import io.pilot4j.kube.ServiceWithEndpoints;
import io.pilot4j.kube.Yaml;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ServiceConversionTest {
    private static final String DOMAIN = "cluster.local";
    private static final ServicePort HTTP_9080 = new ServicePort("http", 9080, Protocol.HTTP);

    static Stream<Arguments> valid() {
        return Stream.of(
                arguments("ClusterIP with labels and a default namespace", """
                                apiVersion: v1
                                kind: Service
                                metadata:
                                  name: reviews
                                  labels: {app: reviews}
                                spec:
                                  clusterIP: 10.96.0.10
                                  ports:
                                  - {name: http, port: 9080, targetPort: 9080}
                                """,
                        service("reviews.default.svc.cluster.local", "default", List.of(HTTP_9080), Map.of("app", "reviews"),
                                List.of("10.96.0.10"), Resolution.CLIENT_SIDE_LB, false, Set.of()),
                        List.of()),
                arguments("dual-stack clusterIPs become all addresses", """
                                kind: Service
                                metadata: {name: web, namespace: shop}
                                spec:
                                  clusterIP: 10.96.0.11
                                  clusterIPs: [10.96.0.11, "fd00::b"]
                                  ports: [{name: http, port: 9080}]
                                """,
                        service("web.shop.svc.cluster.local", "shop", List.of(HTTP_9080), Map.of(),
                                List.of("10.96.0.11", "fd00::b"), Resolution.CLIENT_SIDE_LB, false, Set.of()),
                        List.of()),
                arguments("no clusterIP written: load-balanced, no virtual IP", """
                                kind: Service
                                metadata: {name: web}
                                spec:
                                  ports: [{name: http, port: 9080}]
                                """,
                        service("web.default.svc.cluster.local", "default", List.of(HTTP_9080), Map.of(),
                                List.of(), Resolution.CLIENT_SIDE_LB, false, Set.of()),
                        List.of()),
                arguments("headless passes through", """
                                kind: Service
                                metadata: {name: db}
                                spec:
                                  clusterIP: None
                                  ports: [{name: tcp-db, port: 5432}]
                                """,
                        service("db.default.svc.cluster.local", "default", List.of(new ServicePort("tcp-db", 5432, Protocol.TCP)),
                                Map.of(), List.of(), Resolution.PASSTHROUGH, false, Set.of()),
                        List.of()),
                arguments("NodePort and LoadBalancer are load-balanced like ClusterIP", """
                                kind: Service
                                metadata: {name: gw, namespace: istio-system}
                                spec:
                                  type: LoadBalancer
                                  clusterIP: 10.96.1.1
                                  ports:
                                  - {name: http2, port: 80, nodePort: 31380}
                                  - {name: https, port: 443}
                                """,
                        service("gw.istio-system.svc.cluster.local", "istio-system",
                                List.of(new ServicePort("http2", 80, Protocol.HTTP2), new ServicePort("https", 443, Protocol.HTTPS)),
                                Map.of(), List.of("10.96.1.1"), Resolution.CLIENT_SIDE_LB, false, Set.of()),
                        List.of()),
                arguments("ExternalName is a mesh-external DNS alias with the name as endpoint on every port", """
                                kind: Service
                                metadata: {name: db, namespace: prod, labels: {tier: data}}
                                spec:
                                  type: ExternalName
                                  externalName: db.example.com
                                  ports:
                                  - {name: tcp, port: 5432}
                                  - {name: http-admin, port: 8080}
                                """,
                        service("db.prod.svc.cluster.local", "prod",
                                List.of(new ServicePort("tcp", 5432, Protocol.TCP), new ServicePort("http-admin", 8080, Protocol.HTTP)),
                                Map.of("tier", "data"), List.of(), Resolution.DNS_LB, true, Set.of()),
                        List.of(
                                new Endpoint("db.example.com", 5432, "tcp", Map.of("tier", "data"), Locality.NONE, 1, HealthStatus.HEALTHY, ""),
                                new Endpoint("db.example.com", 8080, "http-admin", Map.of("tier", "data"), Locality.NONE, 1, HealthStatus.HEALTHY, ""))),
                arguments("exportTo annotation, comma-separated with spaces", """
                                kind: Service
                                metadata:
                                  name: web
                                  annotations: {networking.istio.io/exportTo: ". , istio-system,"}
                                spec:
                                  clusterIP: 10.96.0.12
                                  ports: [{name: http, port: 9080}]
                                """,
                        service("web.default.svc.cluster.local", "default", List.of(HTTP_9080), Map.of(),
                                List.of("10.96.0.12"), Resolution.CLIENT_SIDE_LB, false, Set.of(".", "istio-system")),
                        List.of()),
                arguments("protocols from appProtocol, names, UDP, and an unnamed single port", """
                                kind: Service
                                metadata: {name: mixed}
                                spec:
                                  clusterIP: 10.96.0.13
                                  ports:
                                  - {name: web, port: 80, appProtocol: kubernetes.io/h2c}
                                  - {name: grpc-api, port: 9090}
                                  - {name: stats, port: 9125, protocol: UDP}
                                  - {name: other, port: 7000}
                                """,
                        service("mixed.default.svc.cluster.local", "default",
                                List.of(new ServicePort("web", 80, Protocol.HTTP2), new ServicePort("grpc-api", 9090, Protocol.GRPC),
                                        new ServicePort("stats", 9125, Protocol.UDP), new ServicePort("other", 7000, Protocol.UNSUPPORTED)),
                                Map.of(), List.of("10.96.0.13"), Resolution.CLIENT_SIDE_LB, false, Set.of()),
                        List.of()),
                arguments("the same number over TCP and UDP keeps the TCP port", """
                                kind: Service
                                metadata: {name: kube-dns, namespace: kube-system}
                                spec:
                                  clusterIP: 10.96.0.10
                                  ports:
                                  - {name: dns, port: 53, protocol: UDP}
                                  - {name: dns-tcp, port: 53, protocol: TCP}
                                """,
                        service("kube-dns.kube-system.svc.cluster.local", "kube-system", List.of(new ServicePort("dns-tcp", 53, Protocol.TCP)),
                                Map.of(), List.of("10.96.0.10"), Resolution.CLIENT_SIDE_LB, false, Set.of()),
                        List.of()),
                arguments("single unnamed port", """
                                kind: Service
                                metadata: {name: one}
                                spec:
                                  ports: [{port: 8080}]
                                """,
                        service("one.default.svc.cluster.local", "default", List.of(new ServicePort("", 8080, Protocol.UNSUPPORTED)),
                                Map.of(), List.of(), Resolution.CLIENT_SIDE_LB, false, Set.of()),
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void converts(String name, String yaml, Service expected, List<Endpoint> expectedEndpoints) {
        Result<ServiceWithEndpoints> result = ServiceConversion.convert(Yaml.read(yaml, io.fabric8.kubernetes.api.model.Service.class), DOMAIN);
        assertEquals(List.of(), result.errors());
        assertEquals(new ServiceWithEndpoints(expected, expectedEndpoints), result.value());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("no name", """
                                kind: Service
                                spec: {ports: [{name: http, port: 80}]}
                                """,
                        List.of("metadata.name: required")),
                arguments("port out of range and missing", """
                                kind: Service
                                metadata: {name: s}
                                spec:
                                  ports:
                                  - {name: http, port: 70000}
                                  - {name: grpc}
                                """,
                        List.of("spec.ports[0].port: 70000 is out of range 1-65535", "spec.ports[1].port: required")),
                arguments("several ports need unique names", """
                                kind: Service
                                metadata: {name: s}
                                spec:
                                  ports:
                                  - {name: http, port: 80}
                                  - {port: 81}
                                  - {name: http, port: 82}
                                """,
                        List.of("spec.ports[1].name: required when a Service has more than one port",
                                "spec.ports[2].name: \"http\" is already used by spec.ports[0]")),
                arguments("duplicate port number", """
                                kind: Service
                                metadata: {name: s}
                                spec:
                                  ports:
                                  - {name: a, port: 80}
                                  - {name: b, port: 80}
                                """,
                        List.of("spec.ports[1].port: 80 is already used by spec.ports[0]")),
                arguments("unknown transport protocol", """
                                kind: Service
                                metadata: {name: s}
                                spec:
                                  ports: [{name: http, port: 80, protocol: QUIC}]
                                """,
                        List.of("spec.ports[0].protocol: unsupported value \"QUIC\": want TCP, UDP or SCTP")),
                arguments("unknown type", """
                                kind: Service
                                metadata: {name: s}
                                spec: {type: Magic}
                                """,
                        List.of("spec.type: unsupported value \"Magic\": want ClusterIP, NodePort, LoadBalancer or ExternalName")),
                arguments("ExternalName without a name", """
                                kind: Service
                                metadata: {name: s}
                                spec: {type: ExternalName}
                                """,
                        List.of("spec.externalName: required when type is ExternalName")),
                arguments("bad cluster IPs", """
                                kind: Service
                                metadata: {name: s}
                                spec:
                                  clusterIP: 10.0.0.1
                                  clusterIPs: [10.0.0.2, "not-an-ip"]
                                """,
                        List.of("spec.clusterIPs[0]: \"10.0.0.2\" must match spec.clusterIP \"10.0.0.1\"",
                                "spec.clusterIPs[1]: \"not-an-ip\" is not a valid IP address")),
                arguments("bad clusterIP", """
                                kind: Service
                                metadata: {name: s}
                                spec: {clusterIP: 10.0.0.256}
                                """,
                        List.of("spec.clusterIP: \"10.0.0.256\" is not a valid IP address or \"None\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejects(String name, String yaml, List<String> expectedErrors) {
        Result<ServiceWithEndpoints> result = ServiceConversion.convert(Yaml.read(yaml, io.fabric8.kubernetes.api.model.Service.class), DOMAIN);
        assertEquals(expectedErrors, result.errors().stream().map(Object::toString).toList());
    }

    private static Service service(String host, String ns, List<ServicePort> ports, Map<String, String> labels, List<String> addresses,
                                   Resolution resolution, boolean meshExternal, Set<String> exportTo) {
        return new Service(host, ns, ports, labels, addresses, resolution, meshExternal, exportTo);
    }
}
