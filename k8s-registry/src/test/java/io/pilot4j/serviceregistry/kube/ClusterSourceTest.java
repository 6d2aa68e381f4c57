package io.pilot4j.serviceregistry.kube;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Where the cluster comes from: --kubeconfig, then KUBECONFIG, then the pod's service account; else none. */
class ClusterSourceTest {
    private static final Map<String, String> IN_POD = Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443");

    static Stream<Arguments> sources() {
        return Stream.of(
                arguments("the flag wins", Path.of("/k/config"), Map.of("KUBECONFIG", "/env/config"), true, "--kubeconfig /k/config"),
                arguments("then KUBECONFIG", null, Map.of("KUBECONFIG", "/a:/b"), true, "KUBECONFIG=/a:/b"),
                arguments("then the service account, in a pod", null, IN_POD, true, "the pod's service account (https://10.96.0.1:443)"),
                arguments("a pod without a mounted token is not enough", null, IN_POD, false, null),
                arguments("a laptop without either: no cluster (~/.kube/config is not picked up alone)", null, Map.of("HOME", "/home/me"),
                        true, null),
                arguments("an empty KUBECONFIG is unset", null, Map.of("KUBECONFIG", " "), false, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void selects(String name, Path flag, Map<String, String> env, boolean tokenMounted, String expected) {
        Optional<ClusterSource> source = ClusterSource.select(flag, env, p -> tokenMounted && p.equals(ClusterSource.SERVICE_ACCOUNT_TOKEN));
        assertEquals(Optional.ofNullable(expected), source.map(ClusterSource::toString));
    }
}
