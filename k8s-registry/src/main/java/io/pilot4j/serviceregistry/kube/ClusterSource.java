package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.client.Config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where the Kubernetes client's address and credentials come from, as Istio's pilot-discovery finds them:
 * {@code --kubeconfig}, else {@code KUBECONFIG}, else the pod's service account. A laptop's {@code ~/.kube/config}
 * is deliberately not picked up on its own: a server that silently attached to whatever cluster is current would
 * surprise; name it with {@code --kubeconfig} or {@code KUBECONFIG}.
 */
public final class ClusterSource {
    /** Where Kubernetes mounts a pod's service account token. */
    public static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    private enum Type { KUBECONFIG_FLAG, KUBECONFIG_ENV, IN_CLUSTER }

    private final Type type;
    private final String location;

    private ClusterSource(Type type, String location) {
        this.type = type;
        this.location = location;
    }

    public static ClusterSource kubeconfig(Path file) {
        return new ClusterSource(Type.KUBECONFIG_FLAG, file.toString());
    }

    /**
     * The first source that applies, or empty when there is no cluster to talk to.
     *
     * @param kubeconfigFlag the {@code --kubeconfig} value, null when not given
     * @param env            the process environment
     * @param exists         whether a file exists (the service account token)
     */
    public static Optional<ClusterSource> select(Path kubeconfigFlag, Map<String, String> env, Predicate<Path> exists) {
        if (kubeconfigFlag != null) {
            return Optional.of(kubeconfig(kubeconfigFlag));
        }
        String fromEnv = env.get("KUBECONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(new ClusterSource(Type.KUBECONFIG_ENV, fromEnv));
        }
        String host = env.get("KUBERNETES_SERVICE_HOST");
        if (host != null && !host.isBlank() && exists.test(SERVICE_ACCOUNT_TOKEN)) {
            return Optional.of(new ClusterSource(Type.IN_CLUSTER, "https://" + host + ":" + env.getOrDefault("KUBERNETES_SERVICE_PORT", "443")));
        }
        return Optional.empty();
    }

    /** The fabric8 client settings; reads the kubeconfig file(s) or the service account. */
    Config clientConfig() {
        switch (type) {
            case KUBECONFIG_FLAG:
                return Config.fromKubeconfig(Path.of(location).toFile());
            case KUBECONFIG_ENV:
            case IN_CLUSTER:
                // fabric8 reads KUBECONFIG (a path list) itself, and without it the pod's service account.
                return Config.autoConfigure(null);
            default:
                throw new IllegalStateException("unknown source " + type);
        }
    }

    /** For logs and errors: {@code --kubeconfig /path}, {@code KUBECONFIG=/a:/b}, {@code in-cluster service account}. */
    @Override
    public String toString() {
        switch (type) {
            case KUBECONFIG_FLAG:
                return "--kubeconfig " + location;
            case KUBECONFIG_ENV:
                return "KUBECONFIG=" + location;
            default:
                return "the pod's service account (" + location + ")";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterSource other && type == other.type && location.equals(other.location);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, location);
    }
}
