package io.pilot4j.cli;

import io.pilot4j.server.PilotArgs;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The flags of Istio's {@code pilot-discovery discovery}, with Istio's names and defaults. */
final class DiscoveryOptions {
    @Mixin
    MeshConfigOption meshConfig;

    @Option(names = "--grpcAddr", defaultValue = ":15010", paramLabel = "ADDR",
            description = "Discovery service gRPC (plaintext ADS) address, host:port or :port; port 0 picks a free port. Default: ${DEFAULT-VALUE}")
    String grpcAddr;

    @Option(names = "--httpAddr", defaultValue = ":8080", paramLabel = "ADDR",
            description = "Discovery service HTTP address (/ready, /debug/...). Default: ${DEFAULT-VALUE}")
    String httpAddr;

    @Option(names = "--configDir", paramLabel = "DIR",
            description = "Directory to watch for Kubernetes Service/EndpointSlice/Endpoints and Istio ServiceEntry YAML or JSON, served without a cluster")
    Path configDir;

    @Option(names = "--domain", defaultValue = "cluster.local", paramLabel = "DOMAIN",
            description = "DNS domain suffix of Kubernetes services. Default: ${DEFAULT-VALUE}")
    String domain;

    @Option(names = "--log_output_level", defaultValue = "default:info", paramLabel = "LEVELS",
            description = "Comma-separated minimum per-scope logging level, <scope>:<level>,... where scope is one of "
                    + "default, ads, model, mesh, file, http (or all) and level one of debug, info, warn, error, fatal, none. Default: ${DEFAULT-VALUE}")
    String logOutputLevel;

    PilotArgs toArgs() {
        return new PilotArgs(
                HostPort.parse("--grpcAddr", grpcAddr),
                HostPort.parse("--httpAddr", httpAddr),
                meshConfig.path(),
                meshConfig.explicit(),
                configDir,
                domain,
                PilotArgs.DEFAULT_DEBOUNCE_AFTER,
                PilotArgs.DEFAULT_DEBOUNCE_MAX);
    }
}
