package io.pilot4j.kube.serviceentry;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ServiceEntryConversionTest {
    private static final ServicePort HTTP_80 = new ServicePort("http", 80, Protocol.HTTP);
    private static final ServicePort TLS_443 = new ServicePort("tls", 443, Protocol.TLS);

    static Stream<Arguments> valid() {
        return Stream.of(
                arguments("defaults: resolution NONE passes through, location MESH_EXTERNAL", """
                                metadata: {name: ext}
                                spec:
                                  hosts: [api.example.com]
                                  addresses: [192.0.2.10]
                                  ports: [{name: tcp, number: 5432, protocol: TCP}]
                                """,
                        List.of(swe(new Service("api.example.com", "default", List.of(new ServicePort("tcp", 5432, Protocol.TCP)), Map.of(),
                                List.of("192.0.2.10"), Resolution.PASSTHROUGH, true, Set.of()), List.of()))),
                arguments("DNS without endpoints: each host is its own endpoint, on targetPort else number", """
                                metadata: {name: httpbin, namespace: egress, labels: {team: a}}
                                spec:
                                  hosts: [httpbin.org, www.httpbin.org]
                                  resolution: DNS
                                  exportTo: [".", istio-system]
                                  ports:
                                  - {name: http, number: 80, protocol: HTTP}
                                  - {name: tls, number: 443, protocol: TLS, targetPort: 8443}
                                """,
                        List.of(
                                swe(new Service("httpbin.org", "egress", List.of(HTTP_80, TLS_443), Map.of("team", "a"), List.of(),
                                        Resolution.DNS_LB, true, Set.of(".", "istio-system")), List.of(
                                        ep("httpbin.org", 80, "http"), ep("httpbin.org", 8443, "tls"))),
                                swe(new Service("www.httpbin.org", "egress", List.of(HTTP_80, TLS_443), Map.of("team", "a"), List.of(),
                                        Resolution.DNS_LB, true, Set.of(".", "istio-system")), List.of(
                                        ep("www.httpbin.org", 80, "http"), ep("www.httpbin.org", 8443, "tls"))))),
                arguments("DNS_ROUND_ROBIN, mesh internal, empty protocol is unsupported (sniffed)", """
                                metadata: {name: legacy}
                                spec:
                                  hosts: [legacy.corp]
                                  location: MESH_INTERNAL
                                  resolution: DNS_ROUND_ROBIN
                                  ports: [{name: web, number: 8080}]
                                """,
                        List.of(swe(new Service("legacy.corp", "default", List.of(new ServicePort("web", 8080, Protocol.UNSUPPORTED)), Map.of(),
                                List.of(), Resolution.DNS_ROUND_ROBIN_LB, false, Set.of()), List.of(ep("legacy.corp", 8080, "web"))))),
                arguments("STATIC endpoints: port map, targetPort, number; labels, locality field, weight, service account", """
                                metadata: {name: vms, namespace: vm}
                                spec:
                                  hosts: [vm.internal]
                                  addresses: [10.10.0.0/16, 10.20.0.1/32]
                                  location: MESH_INTERNAL
                                  resolution: STATIC
                                  ports:
                                  - {name: http, number: 80, protocol: http}
                                  - {name: grpc, number: 9090, protocol: GRPC, targetPort: 19090}
                                  - {name: mongo, number: 27017, protocol: MONGO}
                                  endpoints:
                                  - address: 10.10.0.5
                                    ports: {http: 8080}
                                    labels: {version: v1}
                                    locality: us-east1/us-east1-b/rack1
                                    weight: 3
                                    serviceAccount: vm-sa
                                  - address: 10.10.0.6
                                    weight: 0
                                """,
                        List.of(swe(new Service("vm.internal", "vm",
                                        List.of(HTTP_80, new ServicePort("grpc", 9090, Protocol.GRPC), new ServicePort("mongo", 27017, Protocol.MONGO)),
                                        Map.of(), List.of("10.10.0.0/16", "10.20.0.1"), Resolution.CLIENT_SIDE_LB, false, Set.of()),
                                List.of(
                                        we("10.10.0.5", 8080, "http", Map.of("version", "v1"), new Locality("us-east1", "us-east1-b", "rack1"), 3, "vm-sa"),
                                        we("10.10.0.5", 19090, "grpc", Map.of("version", "v1"), new Locality("us-east1", "us-east1-b", "rack1"), 3, "vm-sa"),
                                        we("10.10.0.5", 27017, "mongo", Map.of("version", "v1"), new Locality("us-east1", "us-east1-b", "rack1"), 3, "vm-sa"),
                                        we("10.10.0.6", 80, "http", Map.of(), Locality.NONE, 1, ""),
                                        we("10.10.0.6", 19090, "grpc", Map.of(), Locality.NONE, 1, ""),
                                        we("10.10.0.6", 27017, "mongo", Map.of(), Locality.NONE, 1, ""))))),
                arguments("locality from Istio's label, then the Kubernetes topology labels", """
                                metadata: {name: loc}
                                spec:
                                  hosts: [loc.internal]
                                  resolution: STATIC
                                  ports: [{name: http, number: 80, protocol: HTTP}]
                                  endpoints:
                                  - address: 10.0.0.1
                                    labels: {topology.istio.io/locality: eu-west1.eu-west1-a}
                                  - address: 10.0.0.2
                                    labels: {istio-locality: eu/zone-b/sub}
                                  - address: 10.0.0.3
                                    labels: {topology.kubernetes.io/region: us, topology.kubernetes.io/zone: us-a}
                                """,
                        List.of(swe(new Service("loc.internal", "default", List.of(HTTP_80), Map.of(), List.of(),
                                Resolution.CLIENT_SIDE_LB, true, Set.of()), List.of(
                                we("10.0.0.1", 80, "http", Map.of("topology.istio.io/locality", "eu-west1.eu-west1-a"),
                                        new Locality("eu-west1", "eu-west1-a", ""), 1, ""),
                                we("10.0.0.2", 80, "http", Map.of("istio-locality", "eu/zone-b/sub"), new Locality("eu", "zone-b", "sub"), 1, ""),
                                we("10.0.0.3", 80, "http", Map.of("topology.kubernetes.io/region", "us", "topology.kubernetes.io/zone", "us-a"),
                                        new Locality("us", "us-a", ""), 1, ""))))),
                arguments("DNS with endpoints uses them, hostnames allowed", """
                                metadata: {name: dns-eps}
                                spec:
                                  hosts: [db.example.com]
                                  resolution: DNS
                                  ports: [{name: tcp, number: 3306, protocol: TCP}]
                                  endpoints:
                                  - address: db-1.example.com
                                  - address: 192.0.2.7
                                """,
                        List.of(swe(new Service("db.example.com", "default", List.of(new ServicePort("tcp", 3306, Protocol.TCP)), Map.of(), List.of(),
                                Resolution.DNS_LB, true, Set.of()), List.of(
                                we("db-1.example.com", 3306, "tcp", Map.of(), Locality.NONE, 1, ""),
                                we("192.0.2.7", 3306, "tcp", Map.of(), Locality.NONE, 1, ""))))),
                arguments("STATIC unix socket keeps its prefix", """
                                metadata: {name: uds}
                                spec:
                                  hosts: [uds.local]
                                  resolution: STATIC
                                  ports: [{name: http, number: 80, protocol: HTTP}]
                                  endpoints: [{address: "unix:///var/run/app.sock"}]
                                """,
                        List.of(swe(new Service("uds.local", "default", List.of(HTTP_80), Map.of(), List.of(),
                                Resolution.CLIENT_SIDE_LB, true, Set.of()), List.of(
                                we("unix:///var/run/app.sock", 80, "http", Map.of(), Locality.NONE, 1, ""))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void converts(String name, String spec, List<ServiceWithEndpoints> expected) {
        String yaml = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\n" + spec;
        Result<List<ServiceWithEndpoints>> result = ServiceEntryConversion.convert(
                Yaml.read(yaml, io.fabric8.istio.api.networking.v1.ServiceEntry.class));
        assertEquals(List.of(), result.errors());
        assertEquals(expected, result.value());
    }

    @Test
    void everyApiVersionConvertsAlike() {
        String spec = """
                metadata: {name: ext, namespace: egress}
                spec:
                  hosts: [api.example.com]
                  resolution: DNS
                  ports: [{name: http, number: 80, protocol: HTTP}]
                """;
        var v1 = ServiceEntryConversion.convert(Yaml.read(spec, io.fabric8.istio.api.networking.v1.ServiceEntry.class));
        var v1beta1 = ServiceEntryConversion.convert(Yaml.read(spec, io.fabric8.istio.api.networking.v1beta1.ServiceEntry.class));
        var v1alpha3 = ServiceEntryConversion.convert(Yaml.read(spec, io.fabric8.istio.api.networking.v1alpha3.ServiceEntry.class));

        assertEquals("api.example.com", v1.value().get(0).service().hostname());
        assertEquals(v1, v1beta1);
        assertEquals(v1, v1alpha3);
    }

    @Test
    void aWorkloadSelectorDeclaresNoEndpointsButWhatToSelect() {
        var result = ServiceEntryConversion.convert(Yaml.read("""
                kind: ServiceEntry
                metadata: {name: sel, namespace: shop}
                spec:
                  hosts: [sel.example.com]
                  resolution: DNS
                  workloadSelector: {labels: {app: sel}}
                  ports: [{name: http, number: 80, protocol: HTTP, targetPort: 8080}, {name: grpc, number: 9090, protocol: GRPC}]
                """, io.fabric8.istio.api.networking.v1.ServiceEntry.class));
        ServiceWithEndpoints swe = result.value().get(0);
        assertEquals(List.of(), swe.endpoints(), "neither its own host (DNS) nor endpoints: the registry finds them");
        assertEquals(java.util.Optional.of(new WorkloadSelection("shop", Map.of("app", "sel"),
                List.of(new WorkloadSelection.Port("http", 8080), new WorkloadSelection.Port("grpc", 9090)))), swe.selection());
    }

    @Test
    void rejectsWithoutNameAndSpec() {
        var result = ServiceEntryConversion.convert(Yaml.read("kind: ServiceEntry\n", io.fabric8.istio.api.networking.v1.ServiceEntry.class));
        assertEquals(List.of("metadata.name: required", "spec: required"), result.errors().stream().map(Object::toString).toList());
    }

    private static ServiceWithEndpoints swe(Service service, List<Endpoint> endpoints) {
        return new ServiceWithEndpoints(service, endpoints);
    }

    private static Endpoint ep(String address, int port, String portName) {
        return new Endpoint(address, port, portName, Map.of(), Locality.NONE, 1, HealthStatus.HEALTHY, "");
    }

    private static Endpoint we(String address, int port, String portName, Map<String, String> labels, Locality locality, int weight, String sa) {
        return new Endpoint(address, port, portName, labels, locality, weight, HealthStatus.HEALTHY, sa);
    }
}
