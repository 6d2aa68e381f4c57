package io.pilot4j.bootstrap;

import io.pilot4j.model.NodeType;
import io.pilot4j.translate.listener.InterceptionMode;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a bootstrap is asked for, one component per {@code discovery bootstrap} flag. Null means "not given":
 * {@link ProxyBootstrap#of} then applies pilot-agent's rule, mostly a value of the mesh config's defaultConfig.
 *
 * @param type              sidecar or router
 * @param ip                the proxy's IP, the node id's second field
 * @param id                {@code POD.NAMESPACE}, the node id's third field
 * @param domain            the node id's fourth field; null: {@code NAMESPACE.svc.cluster.local}
 * @param discoveryAddress  {@code host:port} of the ADS server; null: defaultConfig.discoveryAddress
 * @param xdsApi            state-of-the-world or delta ADS
 * @param adminPort         Envoy's admin port, 0 for an ephemeral one; null: defaultConfig.proxyAdminPort
 * @param interceptionMode  INTERCEPTION_MODE node metadata; null: proxyMetadata's ISTIO_META_INTERCEPTION_MODE, else NONE
 * @param labels            workload labels (LABELS node metadata)
 * @param metadata          further node metadata, e.g. GENERATOR; wins over everything else
 * @param serviceCluster    Envoy's service cluster; null: defaultConfig.serviceCluster, then Istio's app.namespace rule
 * @param connectTimeout    connect timeout to the discovery server
 * @param logLevel          Envoy's {@code -l}
 * @param componentLogLevel Envoy's {@code --component-log-level}, empty for none
 * @param binaryPath        the Envoy binary the printed command line starts
 */
public record BootstrapOptions(
        NodeType type,
        String ip,
        String id,
        String domain,
        String discoveryAddress,
        XdsApi xdsApi,
        Integer adminPort,
        InterceptionMode interceptionMode,
        Map<String, String> labels,
        Map<String, String> metadata,
        String serviceCluster,
        Duration connectTimeout,
        String logLevel,
        String componentLogLevel,
        String binaryPath) {

    /** Defaults of the flags without a mesh config field: pilot-agent's, but the IP, which is a local Envoy's. */
    public static final String DEFAULT_IP = "127.0.0.1";
    public static final String DEFAULT_CONNECT_TIMEOUT = "1s";
    public static final String DEFAULT_LOG_LEVEL = "warning";
    public static final String DEFAULT_COMPONENT_LOG_LEVEL = "misc:error";
    public static final String DEFAULT_BINARY = "envoy";

    public BootstrapOptions {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(xdsApi, "xdsApi");
        labels = Map.copyOf(labels);
        metadata = Map.copyOf(metadata);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(logLevel, "logLevel");
        componentLogLevel = Objects.requireNonNullElse(componentLogLevel, "");
        Objects.requireNonNull(binaryPath, "binaryPath");
    }
}
