package io.pilot4j.mesh;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Istio's ProxyConfig (the mesh file's {@code defaultConfig}): what pilot-agent uses to render a bootstrap
 * and start Envoy. Defaults from Istio's DefaultProxyConfig().
 */
public record ProxyConfig(
        String configPath,
        String binaryPath,
        String serviceCluster,
        Duration drainDuration,
        Duration parentShutdownDuration,
        Duration terminationDrainDuration,
        String discoveryAddress,
        int proxyAdminPort,
        AuthenticationPolicy controlPlaneAuthPolicy,
        int statNameLength,
        int concurrency,
        int statusPort,
        Map<String, String> proxyMetadata) {

    public enum AuthenticationPolicy { NONE, MUTUAL_TLS, INHERIT }

    public ProxyConfig {
        configPath = Objects.requireNonNullElse(configPath, "");
        binaryPath = Objects.requireNonNullElse(binaryPath, "");
        serviceCluster = Objects.requireNonNullElse(serviceCluster, "");
        Objects.requireNonNull(drainDuration, "drainDuration");
        Objects.requireNonNull(parentShutdownDuration, "parentShutdownDuration");
        Objects.requireNonNull(terminationDrainDuration, "terminationDrainDuration");
        discoveryAddress = Objects.requireNonNullElse(discoveryAddress, "");
        Objects.requireNonNull(controlPlaneAuthPolicy, "controlPlaneAuthPolicy");
        proxyMetadata = Map.copyOf(proxyMetadata);
    }

    public static ProxyConfig defaults() {
        return new ProxyConfig(
                "./etc/istio/proxy",
                "/usr/local/bin/envoy",
                "istio-proxy",
                Duration.ofSeconds(45),
                Duration.ofSeconds(60),
                Duration.ofSeconds(5),
                "istiod.istio-system.svc:15012",
                15000,
                AuthenticationPolicy.MUTUAL_TLS,
                189,
                2,
                15020,
                Map.of());
    }
}
