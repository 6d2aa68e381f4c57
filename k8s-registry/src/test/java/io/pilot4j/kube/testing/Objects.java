package io.pilot4j.kube.testing;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.Yaml;

import java.util.Map;
import java.util.stream.Collectors;

/** Kubernetes objects as a cluster holds them, written as users and controllers write them. */
public final class Objects {
    private Objects() {
    }

    public static Namespace namespace(String name, Map<String, String> labels) {
        return Yaml.read("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: %s, labels: %s}
                """.formatted(name, flow(labels)), Namespace.class);
    }

    /** A ClusterIP Service with one gRPC port whose targetPort is the container port named "grpc". */
    public static Service grpcService(String namespace, String name, String clusterIp, int port) {
        return Yaml.read("""
                apiVersion: v1
                kind: Service
                metadata: {name: %s, namespace: %s}
                spec:
                  clusterIP: %s
                  selector: {app: %s}
                  ports: [{name: grpc, port: %d, targetPort: grpc, protocol: TCP}]
                """.formatted(name, namespace, clusterIp, name, port), Service.class);
    }

    /** A running, ready pod with a container port named "grpc". */
    public static Pod pod(String namespace, String name, String ip, int grpcPort, String node, Map<String, String> labels) {
        return Yaml.read("""
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: %s, labels: %s}
                spec:
                  serviceAccountName: %s-sa
                  nodeName: %s
                  containers: [{name: app, image: app, ports: [{name: grpc, containerPort: %d}]}]
                status:
                  phase: Running
                  podIP: %s
                  podIPs: [{ip: %s}]
                  conditions: [{type: Ready, status: "True"}]
                """.formatted(name, namespace, flow(labels), labels.getOrDefault("app", name), node, grpcPort, ip, ip), Pod.class);
    }

    public static Node node(String name, String region, String zone) {
        return Yaml.read("""
                apiVersion: v1
                kind: Node
                metadata:
                  name: %s
                  labels: {topology.kubernetes.io/region: %s, topology.kubernetes.io/zone: %s}
                """.formatted(name, region, zone), Node.class);
    }

    /**
     * The slice the EndpointSlice controller would write for one pod of a Service whose port "grpc" targets the
     * named container port: one slice per distinct port number.
     */
    public static EndpointSlice slice(String namespace, String name, String service, int port, String... podAndIp) {
        StringBuilder endpoints = new StringBuilder();
        for (int i = 0; i < podAndIp.length; i += 2) {
            endpoints.append("""
                    - addresses: [%s]
                      conditions: {ready: true, serving: true, terminating: false}
                      targetRef: {kind: Pod, namespace: %s, name: %s}
                    """.formatted(podAndIp[i + 1], namespace, podAndIp[i]));
        }
        return Yaml.read("""
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s
                  namespace: %s
                  labels: {kubernetes.io/service-name: %s}
                addressType: IPv4
                ports: [{name: grpc, port: %d, protocol: TCP}]
                endpoints:%s""".formatted(name, namespace, service, port, endpoints.isEmpty() ? " []\n" : "\n" + endpoints), EndpointSlice.class);
    }

    private static String flow(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + ": \"" + e.getValue() + "\"")
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
