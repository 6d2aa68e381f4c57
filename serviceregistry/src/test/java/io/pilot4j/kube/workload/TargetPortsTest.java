package io.pilot4j.kube.workload;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.pilot4j.kube.Yaml;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.OptionalInt;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Istio's FindPort: what a Service port's targetPort means on a given pod. */
class TargetPortsTest {
    private static final String POD = """
            metadata: {name: p}
            spec:
              initContainers:
              - {name: sidecar, restartPolicy: Always, ports: [{name: admin, containerPort: 15000}]}
              - {name: setup, ports: [{name: setup, containerPort: 1}]}
              containers:
              - name: app
                ports:
                - {name: http, containerPort: 8080}
                - {name: dns, containerPort: 5353, protocol: UDP}
              - name: second
                ports: [{name: http, containerPort: 9999}, {name: metrics, containerPort: 9090}]
            """;

    static Stream<Arguments> ports() {
        return Stream.of(
                arguments("a number is itself", "{name: web, port: 80, targetPort: 8081}", OptionalInt.of(8081)),
                arguments("a name is the container port of that name, the first container first",
                        "{name: web, port: 80, targetPort: http}", OptionalInt.of(8080)),
                arguments("in any container", "{name: m, port: 90, targetPort: metrics}", OptionalInt.of(9090)),
                arguments("the protocol must match", "{name: dns, port: 53, targetPort: dns}", OptionalInt.empty()),
                arguments("a UDP port by name", "{name: dns, port: 53, targetPort: dns, protocol: UDP}", OptionalInt.of(5353)),
                arguments("native sidecars (init containers that keep running) count",
                        "{name: a, port: 15000, targetPort: admin}", OptionalInt.of(15000)),
                arguments("ordinary init containers do not", "{name: s, port: 1, targetPort: setup}", OptionalInt.empty()),
                arguments("a name the pod lacks", "{name: web, port: 80, targetPort: grpc}", OptionalInt.empty()),
                arguments("no targetPort: the port itself", "{name: web, port: 80}", OptionalInt.of(80)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void resolves(String name, String servicePort, OptionalInt expected) {
        assertEquals(expected, TargetPorts.resolve(Yaml.read(servicePort, ServicePort.class), Yaml.read(POD, Pod.class)));
    }
}
