package io.pilot4j.kube.endpoints;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.Yaml;
import io.pilot4j.kube.testing.MapClusterView;
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

/**
 * EndpointSlices (and Endpoints) read with what the cluster knows besides: each address's pod (labels, service
 * account), the node it runs on (locality), and the Service whose named targetPort fills a slice port left without a
 * number. Pure: the cluster is a table of objects.
 */
class EndpointsFromClusterTest {
    private static final MapClusterView CLUSTER = new MapClusterView()
            .withNode("""
                    metadata:
                      name: node-a
                      labels: {topology.kubernetes.io/region: us-east1, topology.kubernetes.io/zone: us-east1-b}
                    """)
            .withNode("""
                    metadata:
                      name: node-b
                      labels: {failure-domain.beta.kubernetes.io/region: eu, failure-domain.beta.kubernetes.io/zone: eu-a}
                    """)
            .withPod("""
                    metadata: {name: web-1, namespace: shop, labels: {app: web, version: v1}}
                    spec:
                      serviceAccountName: web
                      nodeName: node-a
                      containers: [{name: app, ports: [{name: http, containerPort: 8080}]}]
                    status: {podIP: 10.0.0.1}
                    """)
            .withPod("""
                    metadata: {name: web-2, namespace: shop, labels: {app: web, version: v2, topology.istio.io/locality: ap.ap-1}}
                    spec:
                      serviceAccountName: web
                      nodeName: node-a
                      containers: [{name: app, ports: [{name: http, containerPort: 9090}]}]
                    status: {podIP: 10.0.0.2}
                    """)
            .withPod("""
                    metadata: {name: db-1, namespace: other, labels: {app: db}}
                    spec: {nodeName: node-b}
                    status: {podIP: 10.0.0.9}
                    """)
            .withService("""
                    metadata: {name: web, namespace: shop}
                    spec:
                      ports:
                      - {name: http, port: 80, targetPort: http}
                      - {name: admin, port: 81, targetPort: 15000}
                      - {name: plain, port: 82}
                    """);

    private static final Locality US = new Locality("us-east1", "us-east1-b", "");

    static Stream<Arguments> slices() {
        return Stream.of(
                arguments("pods by targetRef lend labels, service account and their node's locality (or their own label)", """
                                metadata: {name: web-x, namespace: shop, labels: {kubernetes.io/service-name: web}}
                                addressType: IPv4
                                ports: [{name: http, port: 8080}]
                                endpoints:
                                - addresses: [10.0.0.1]
                                  targetRef: {kind: Pod, namespace: shop, name: web-1}
                                  zone: ignored-when-the-node-says
                                - addresses: [10.0.0.2]
                                  targetRef: {kind: Pod, namespace: shop, name: web-2}
                                """,
                        List.of(ep("10.0.0.1", 8080, "http", Map.of("app", "web", "version", "v1"), US, HealthStatus.HEALTHY, "web"),
                                ep("10.0.0.2", 8080, "http", Map.of("app", "web", "version", "v2", "topology.istio.io/locality", "ap.ap-1"),
                                        new Locality("ap", "ap-1", ""), HealthStatus.HEALTHY, "web"))),
                arguments("an endpoint whose pod has not arrived waits for it", """
                                metadata: {name: web-y, namespace: shop, labels: {kubernetes.io/service-name: web}}
                                addressType: IPv4
                                ports: [{name: http, port: 8080}]
                                endpoints:
                                - addresses: [10.0.0.3]
                                  targetRef: {kind: Pod, namespace: shop, name: web-3}
                                - addresses: [10.0.0.1]
                                  targetRef: {kind: Pod, namespace: shop, name: web-1}
                                  conditions: {ready: false, serving: true, terminating: true}
                                """,
                        List.of(ep("10.0.0.1", 8080, "http", Map.of("app", "web", "version", "v1"), US, HealthStatus.DRAINING, "web"))),
                arguments("without targetRef the pod is found by IP, in the slice's namespace only", """
                                metadata: {name: manual, namespace: shop, labels: {kubernetes.io/service-name: web}}
                                addressType: IPv4
                                ports: [{name: http, port: 8080}]
                                endpoints:
                                - addresses: [10.0.0.1]
                                - addresses: [10.0.0.9]
                                  nodeName: node-b
                                - addresses: [192.0.2.1]
                                  zone: z1
                                """,
                        List.of(ep("10.0.0.1", 8080, "http", Map.of("app", "web", "version", "v1"), US, HealthStatus.HEALTHY, "web"),
                                ep("10.0.0.9", 8080, "http", Map.of(), new Locality("eu", "eu-a", ""), HealthStatus.HEALTHY, ""),
                                ep("192.0.2.1", 8080, "http", Map.of(), new Locality("", "z1", ""), HealthStatus.HEALTHY, ""))),
                arguments("a port without a number takes the Service's targetPort: a name resolves per pod", """
                                metadata: {name: web-z, namespace: shop, labels: {kubernetes.io/service-name: web}}
                                addressType: IPv4
                                ports: [{name: http}, {name: admin}, {name: plain}]
                                endpoints:
                                - addresses: [10.0.0.1]
                                  targetRef: {kind: Pod, namespace: shop, name: web-1}
                                - addresses: [10.0.0.2]
                                  targetRef: {kind: Pod, namespace: shop, name: web-2}
                                - addresses: [192.0.2.7]
                                """,
                        List.of(ep("10.0.0.1", 8080, "http", Map.of("app", "web", "version", "v1"), US, HealthStatus.HEALTHY, "web"),
                                ep("10.0.0.1", 15000, "admin", Map.of("app", "web", "version", "v1"), US, HealthStatus.HEALTHY, "web"),
                                ep("10.0.0.1", 82, "plain", Map.of("app", "web", "version", "v1"), US, HealthStatus.HEALTHY, "web"),
                                ep("10.0.0.2", 9090, "http", Map.of("app", "web", "version", "v2", "topology.istio.io/locality", "ap.ap-1"),
                                        new Locality("ap", "ap-1", ""), HealthStatus.HEALTHY, "web"),
                                ep("10.0.0.2", 15000, "admin", Map.of("app", "web", "version", "v2", "topology.istio.io/locality", "ap.ap-1"),
                                        new Locality("ap", "ap-1", ""), HealthStatus.HEALTHY, "web"),
                                ep("10.0.0.2", 82, "plain", Map.of("app", "web", "version", "v2", "topology.istio.io/locality", "ap.ap-1"),
                                        new Locality("ap", "ap-1", ""), HealthStatus.HEALTHY, "web"),
                                // No pod to look the name "http" up in: only the numeric targets apply.
                                ep("192.0.2.7", 15000, "admin", Map.of(), Locality.NONE, HealthStatus.HEALTHY, ""),
                                ep("192.0.2.7", 82, "plain", Map.of(), Locality.NONE, HealthStatus.HEALTHY, ""))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("slices")
    void slice(String name, String yaml, List<Endpoint> expected) {
        Result<ServiceEndpoints> result = EndpointSliceConversion.convert(Yaml.read(yaml, EndpointSlice.class), "cluster.local", CLUSTER);
        assertEquals(List.of(), result.errors());
        assertEquals(expected, result.value().endpoints());
    }

    @org.junit.jupiter.api.Test
    void legacyEndpointsGetTheSameTreatment() {
        Endpoints endpoints = Yaml.read("""
                metadata: {name: web, namespace: shop}
                subsets:
                - addresses:
                  - {ip: 10.0.0.1, targetRef: {kind: Pod, namespace: shop, name: web-1}}
                  - {ip: 10.0.0.3, targetRef: {kind: Pod, namespace: shop, name: web-3}}
                  notReadyAddresses:
                  - {ip: 10.0.0.9, nodeName: node-b}
                  ports: [{name: http, port: 8080}]
                """, Endpoints.class);
        assertEquals(List.of(
                        ep("10.0.0.1", 8080, "http", Map.of("app", "web", "version", "v1"), US, HealthStatus.HEALTHY, "web"),
                        ep("10.0.0.9", 8080, "http", Map.of(), new Locality("eu", "eu-a", ""), HealthStatus.UNHEALTHY, "")),
                EndpointsConversion.convert(endpoints, "cluster.local", CLUSTER).value().endpoints());
    }

    private static Endpoint ep(String ip, int port, String portName, Map<String, String> labels, Locality locality,
                               HealthStatus health, String serviceAccount) {
        return new Endpoint(ip, port, portName, labels, locality, 1, health, serviceAccount);
    }
}
