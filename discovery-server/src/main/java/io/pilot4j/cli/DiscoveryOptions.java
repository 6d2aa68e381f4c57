package io.pilot4j.cli;

import io.pilot4j.mesh.DurationText;
import io.pilot4j.push.PushTuning;
import io.pilot4j.server.PilotArgs;
import io.pilot4j.serviceregistry.kube.ClusterSource;
import io.pilot4j.serviceregistry.kube.KubeOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** The flags of Istio's {@code pilot-discovery discovery}, with Istio's names and defaults. */
final class DiscoveryOptions {
    /** Istio's name for the Kubernetes service registry in {@code --registries}. */
    static final String KUBERNETES = "Kubernetes";

    @Mixin
    MeshConfigOption meshConfig;

    @Option(names = "--grpcAddr", defaultValue = ":15010", paramLabel = "ADDR",
            description = "Discovery service gRPC (plaintext ADS) address, host:port or :port; port 0 picks a free port. Default: ${DEFAULT-VALUE}")
    String grpcAddr;

    @Option(names = "--httpAddr", defaultValue = ":8080", paramLabel = "ADDR",
            description = "Discovery service HTTP address (/ready, /debug/...). Default: ${DEFAULT-VALUE}")
    String httpAddr;

    @Option(names = "--monitoringAddr", defaultValue = ":15014", paramLabel = "ADDR",
            description = "HTTP address for Prometheus metrics (/metrics). Default: ${DEFAULT-VALUE}")
    String monitoringAddr;

    @Option(names = "--configDir", paramLabel = "DIR",
            description = "Directory to watch for Kubernetes Service/EndpointSlice/Endpoints and Istio ServiceEntry YAML or JSON, served without a cluster")
    Path configDir;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Use a Kubernetes config file instead of in-cluster configuration; without it, KUBECONFIG, then the pod's service account")
    Path kubeconfig;

    @Option(names = "--registries", split = ",", paramLabel = "LIST",
            description = "Comma separated list of platform service registries to read from (choose one or more from {Kubernetes}). "
                    + "Default: Kubernetes when a cluster is configured (--kubeconfig, KUBECONFIG or in a pod), else none")
    List<String> registries;

    @Option(names = "--domain", defaultValue = "cluster.local", paramLabel = "DOMAIN",
            description = "DNS domain suffix of Kubernetes services. Default: ${DEFAULT-VALUE}")
    String domain;

    @Option(names = "--keepaliveMaxServerConnectionAge", paramLabel = "DURATION",
            description = "Maximum duration a connection will be kept open on the server before a graceful close, so clients "
                    + "reconnect and spread over replicas (Istio's charts set 30m). Go duration syntax; 0 or unset: for ever")
    String keepaliveMaxServerConnectionAge;

    @Option(names = "--log_output_level", defaultValue = "default:info", paramLabel = "LEVELS",
            description = "Comma-separated minimum per-scope logging level, <scope>:<level>,... where scope is one of "
                    + "default, ads, model, mesh, file, kube, http (or all) and level one of debug, info, warn, error, fatal, none. Default: ${DEFAULT-VALUE}")
    String logOutputLevel;

    PilotArgs toArgs() {
        return toArgs(System.getenv(), Files::exists);
    }

    /**
     * @param env the environment (KUBECONFIG, KUBERNETES_SERVICE_HOST, and Istio's tuning variables, {@link TuningEnv});
     *            {@code exists} tells whether a file exists
     */
    PilotArgs toArgs(Map<String, String> env, Predicate<Path> exists) {
        PushTuning tuning = TuningEnv.read(env);
        return new PilotArgs(
                HostPort.parse("--grpcAddr", grpcAddr),
                HostPort.parse("--httpAddr", httpAddr),
                HostPort.parse("--monitoringAddr", monitoringAddr),
                meshConfig.path(),
                meshConfig.explicit(),
                configDir,
                kube(env, exists).orElse(null),
                domain,
                tuning.debounceAfter(),
                tuning.debounceMax(),
                tuning.pushThrottle(),
                tuning.maxRequestsPerSecond(),
                maxConnectionAge());
    }

    /** Istio's default is infinite, and grpc-go reads 0 the same way. */
    private Duration maxConnectionAge() {
        if (keepaliveMaxServerConnectionAge == null || keepaliveMaxServerConnectionAge.isBlank()) {
            return null;
        }
        Duration age;
        try {
            age = DurationText.parse(keepaliveMaxServerConnectionAge.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--keepaliveMaxServerConnectionAge: " + e.getMessage(), e);
        }
        return age.isZero() ? null : age;
    }

    /** Istio's --registries: Kubernetes by default when there is a cluster to read, nothing otherwise. */
    private Optional<KubeOptions> kube(Map<String, String> env, Predicate<Path> exists) {
        Optional<ClusterSource> source = ClusterSource.select(kubeconfig, env, exists);
        boolean wanted;
        if (registries == null) {
            wanted = source.isPresent();
        } else {
            wanted = false;
            for (String r : registries) {
                if (r.isBlank()) {
                    continue;
                }
                if (!r.trim().equals(KUBERNETES)) {
                    throw new IllegalArgumentException("--registries: unknown registry '" + r.trim() + "'; the one registry is "
                            + KUBERNETES + " (files are read with --configDir)");
                }
                wanted = true;
            }
            if (wanted && source.isEmpty()) {
                throw new IllegalArgumentException("--registries Kubernetes: no cluster to read: give --kubeconfig, set KUBECONFIG, or run in a pod");
            }
            if (!wanted && kubeconfig != null) {
                throw new IllegalArgumentException("--kubeconfig is given but --registries leaves out Kubernetes");
            }
        }
        return wanted ? source.map(s -> KubeOptions.defaults(s, domain)) : Optional.empty();
    }
}
