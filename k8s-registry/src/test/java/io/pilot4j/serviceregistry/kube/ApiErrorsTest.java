package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** What the registry says when the API server, or the way to it, refuses. */
class ApiErrorsTest {
    private static final String SERVER = "https://10.0.0.1:6443/";

    private static KubernetesClientException status(int code, String message) {
        return new KubernetesClientException(new StatusBuilder().withCode(code).withMessage(message).build());
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                arguments("RBAC: the verb the server names",
                        status(403, "pods is forbidden: User \"system:serviceaccount:istio-system:pilot4j\" cannot watch resource \"pods\" in API group \"\" at the cluster scope"),
                        "forbidden: cannot watch pods: the RBAC role must allow get, list and watch on pods (deploy/20-rbac.yaml does); "
                                + "the API server said: pods is forbidden: User \"system:serviceaccount:istio-system:pilot4j\" cannot watch resource "
                                + "\"pods\" in API group \"\" at the cluster scope"),
                arguments("RBAC without the usual wording: the operation's verb", status(403, ""),
                        "forbidden: cannot list pods: the RBAC role must allow get, list and watch on pods (deploy/20-rbac.yaml does)"),
                arguments("bad credentials", status(401, "Unauthorized"),
                        "unauthorized: the API server at https://10.0.0.1:6443/ refused the credentials; the API server said: Unauthorized"),
                arguments("a resource the server does not serve", status(404, "the server could not find the requested resource"),
                        "pods: not served by the API server (is its CRD installed?)"),
                arguments("another HTTP error", status(500, "etcd timeout"), "list pods: HTTP 500; the API server said: etcd timeout"),
                arguments("connection refused", new KubernetesClientException("Failed", new ConnectException("Connection refused")),
                        "cannot reach the API server at https://10.0.0.1:6443/: Connection refused"),
                arguments("no such host", new KubernetesClientException("Failed", new UnknownHostException("kubernetes.default.svc")),
                        "cannot reach the API server at https://10.0.0.1:6443/: kubernetes.default.svc"),
                arguments("anything else: the root cause", new IllegalStateException("outer", new IllegalArgumentException("inner")),
                        "list pods: inner"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void describes(String name, Throwable error, String expected) {
        assertEquals(expected, ApiErrors.describe("pods", "list", error, SERVER));
    }
}
