package io.pilot4j.kube.workload;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.pilot4j.kube.Yaml;
import io.pilot4j.model.Locality;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** What a pod lends its endpoints: labels, service account, and locality from its own label or its node. */
class WorkloadTest {
    private static final String NODE_GA = """
            metadata:
              name: n1
              labels: {topology.kubernetes.io/region: us-east1, topology.kubernetes.io/zone: us-east1-b, topology.istio.io/subzone: rack7}
            """;
    private static final String NODE_BETA = """
            metadata:
              name: n2
              labels: {failure-domain.beta.kubernetes.io/region: eu, failure-domain.beta.kubernetes.io/zone: eu-a}
            """;
    private static final String NODE_BOTH = """
            metadata:
              name: n3
              labels: {topology.kubernetes.io/zone: new-zone, failure-domain.beta.kubernetes.io/zone: old-zone}
            """;

    static Stream<Arguments> pods() {
        return Stream.of(
                arguments("node's region, zone and subzone; service account", """
                                metadata: {name: p, labels: {app: a}}
                                spec: {serviceAccountName: a-sa, nodeName: n1}
                                """, NODE_GA,
                        new Workload(Map.of("app", "a"), "a-sa", new Locality("us-east1", "us-east1-b", "rack7"))),
                arguments("the pod's own topology.istio.io/locality wins, dots as separators", """
                                metadata: {name: p, labels: {topology.istio.io/locality: eu-west1.eu-west1-c}}
                                spec: {nodeName: n1}
                                """, NODE_GA,
                        new Workload(Map.of("topology.istio.io/locality", "eu-west1.eu-west1-c"), "", new Locality("eu-west1", "eu-west1-c", ""))),
                arguments("the legacy istio-locality label", """
                                metadata: {name: p, labels: {istio-locality: r/z/s}}
                                """, null,
                        new Workload(Map.of("istio-locality", "r/z/s"), "", new Locality("r", "z", "s"))),
                arguments("pre-1.17 node labels", """
                                metadata: {name: p}
                                spec: {nodeName: n2, serviceAccountName: default}
                                """, NODE_BETA,
                        new Workload(Map.of(), "default", new Locality("eu", "eu-a", ""))),
                arguments("GA labels win over beta ones", """
                                metadata: {name: p}
                                """, NODE_BOTH,
                        new Workload(Map.of(), "", new Locality("", "new-zone", ""))),
                arguments("not scheduled yet: no node, no locality", """
                                metadata: {name: p}
                                spec: {}
                                """, null,
                        new Workload(Map.of(), "", Locality.NONE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pods")
    void fromPodAndNode(String name, String pod, String node, Workload expected) {
        assertEquals(expected, Workload.of(Yaml.read(pod, Pod.class), node == null ? null : Yaml.read(node, Node.class)));
    }
}
