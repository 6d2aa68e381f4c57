package io.pilot4j.bootstrap;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Admin;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.pilot4j.net.IpAddresses;
import io.pilot4j.mesh.ProxyConfig;
import io.pilot4j.model.Proxy;
import io.pilot4j.translate.PackedTypes;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.cluster.OutboundCluster;
import io.pilot4j.translate.listener.InterceptionMode;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * pilot-agent's bootstrap role for one proxy: resolves {@link BootstrapOptions} against the mesh config's
 * defaultConfig (Istio's rules), then renders the Envoy bootstrap in the shape of Istio's envoy_bootstrap.json
 * (node, admin, ADS dynamic resources, the static {@code xds-grpc} cluster), minus what pilot4j does not serve:
 * TLS to the control plane, SDS, the agent, Prometheus and tracing clusters.
 */
public final class ProxyBootstrap {
    /** pilot-agent turns ISTIO_META_FOO=bar in its environment (proxyMetadata in the mesh config) into metadata FOO. */
    private static final String ISTIO_META = "ISTIO_META_";
    /** Istio's in-cluster default: istiod's TLS port, which pilot4j does not serve. */
    private static final String ISTIO_DISCOVERY_ADDRESS = ProxyConfig.defaults().discoveryAddress();
    /** Where {@code discovery} listens by default, on this machine. */
    private static final String LOCAL_DISCOVERY_ADDRESS = "127.0.0.1:15010";

    private static final List<String> ENVOY_LOG_LEVELS = List.of("trace", "debug", "info", "warning", "warn", "error", "critical", "off");

    private static final JsonFormat.Printer JSON = JsonFormat.printer()
            .preservingProtoFieldNames()
            .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(PackedTypes.descriptors()).build());

    private final Proxy proxy;
    private final String serviceCluster;
    private final DiscoveryAddress discoveryAddress;
    private final int adminPort;
    private final BootstrapOptions options;
    private final ProxyConfig proxyConfig;

    private ProxyBootstrap(Proxy proxy, String serviceCluster, DiscoveryAddress discoveryAddress, int adminPort,
                           BootstrapOptions options, ProxyConfig proxyConfig) {
        this.proxy = proxy;
        this.serviceCluster = serviceCluster;
        this.discoveryAddress = discoveryAddress;
        this.adminPort = adminPort;
        this.options = options;
        this.proxyConfig = proxyConfig;
    }

    /** @throws IllegalArgumentException naming the flag at fault */
    public static ProxyBootstrap of(BootstrapOptions options, ProxyConfig proxyConfig) {
        Objects.requireNonNull(proxyConfig, "proxyConfig");
        if (!IpAddresses.isIp(options.ip())) {
            throw new IllegalArgumentException("--ip: '" + options.ip() + "' is not an IP address");
        }
        String namespace = namespaceOf(options.id());
        String domain = options.domain() != null ? options.domain() : namespace + ".svc.cluster.local";
        if (domain.isEmpty() || domain.contains("~")) {
            throw new IllegalArgumentException("--domain: want a DNS suffix such as " + namespace + ".svc.cluster.local, got '" + domain + "'");
        }
        int adminPort = options.adminPort() != null ? options.adminPort() : proxyConfig.proxyAdminPort();
        if (adminPort < 0 || adminPort > 65535) {
            throw new IllegalArgumentException("--adminPort: " + adminPort + " is out of range 0-65535");
        }
        if (!ENVOY_LOG_LEVELS.contains(options.logLevel())) {
            throw new IllegalArgumentException("--proxyLogLevel: want one of " + ENVOY_LOG_LEVELS + ", got '" + options.logLevel() + "'");
        }
        if (options.connectTimeout().compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("--connectTimeout: must be at least 1ms, got " + options.connectTimeout());
        }
        String nodeId = options.type().idPrefix() + "~" + options.ip() + "~" + options.id() + "~" + domain;
        Proxy proxy = Proxy.fromNode(nodeId, metadata(options, proxyConfig, namespace), options.labels());
        return new ProxyBootstrap(proxy, serviceCluster(options, proxyConfig, namespace),
                DiscoveryAddress.parse(discoveryAddress(options, proxyConfig)), adminPort, options, proxyConfig);
    }

    /** pilot-agent's id is {@code POD_NAME.POD_NAMESPACE}; a namespace never holds a dot, a pod name may. */
    private static String namespaceOf(String id) {
        int dot = id.lastIndexOf('.');
        if (dot <= 0 || dot == id.length() - 1 || id.contains("~")) {
            throw new IllegalArgumentException("--id: want POD.NAMESPACE, e.g. productpage-v1.default, got '" + id + "'");
        }
        return id.substring(dot + 1);
    }

    private static Map<String, String> metadata(BootstrapOptions options, ProxyConfig proxyConfig, String namespace) {
        Map<String, String> md = new TreeMap<>();
        proxyConfig.proxyMetadata().forEach((k, v) -> {
            if (k.startsWith(ISTIO_META) && k.length() > ISTIO_META.length()) {
                md.put(k.substring(ISTIO_META.length()), v);
            }
        });
        md.put(Proxy.NAMESPACE, namespace);
        md.put(Proxy.INSTANCE_IPS, options.ip());
        if (options.interceptionMode() != null) {
            md.put(InterceptionMode.METADATA_KEY, options.interceptionMode().name());
        } else {
            // No iptables are set up by this command, so a proxy is reachable only on what it binds itself.
            md.putIfAbsent(InterceptionMode.METADATA_KEY, InterceptionMode.NONE.name());
        }
        md.putAll(options.metadata());
        return md;
    }

    /** Istio's serviceClusterOrDefault: a name of the user's, else {@code app.namespace}, else {@code istio-proxy.namespace}. */
    private static String serviceCluster(BootstrapOptions options, ProxyConfig proxyConfig, String namespace) {
        String name = options.serviceCluster() != null ? options.serviceCluster() : proxyConfig.serviceCluster();
        if (!name.isEmpty() && !name.equals("istio-proxy")) {
            return name;
        }
        String app = options.labels().get("app");
        return app != null ? app + "." + namespace : "istio-proxy." + namespace;
    }

    /**
     * The flag, else the mesh config's defaultConfig.discoveryAddress, unless that is Istio's in-cluster default:
     * a mesh file that does not name pilot4j's address gets the local {@code discovery}'s.
     */
    private static String discoveryAddress(BootstrapOptions options, ProxyConfig proxyConfig) {
        if (options.discoveryAddress() != null) {
            return options.discoveryAddress();
        }
        String configured = proxyConfig.discoveryAddress();
        return configured.isEmpty() || configured.equals(ISTIO_DISCOVERY_ADDRESS) ? LOCAL_DISCOVERY_ADDRESS : configured;
    }

    /** The proxy the discovery server will see when this bootstrap connects. */
    public Proxy proxy() {
        return proxy;
    }

    public String serviceCluster() {
        return serviceCluster;
    }

    public DiscoveryAddress discoveryAddress() {
        return discoveryAddress;
    }

    public int adminPort() {
        return adminPort;
    }

    BootstrapOptions options() {
        return options;
    }

    ProxyConfig proxyConfig() {
        return proxyConfig;
    }

    /** True when every proxy IP is IPv6: Envoy then binds and connects over IPv6 (Istio's AllIPv6). */
    boolean ipv6() {
        return !proxy.ipAddresses().isEmpty() && proxy.ipAddresses().stream().allMatch(IpAddresses::isIPv6);
    }

    public Bootstrap bootstrap() {
        ConfigSource ads = ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance())
                // Wait for the first answer however long it takes rather than start with no listeners (Istio's 0s).
                .setInitialFetchTimeout(Durations.ZERO)
                .setResourceApiVersion(ApiVersion.V3)
                .build();
        Bootstrap.Builder b = Bootstrap.newBuilder()
                .setNode(node())
                .setAdmin(Admin.newBuilder().setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                        .setAddress(ipv6() ? "::1" : "127.0.0.1")
                        .setPortValue(adminPort))))
                .setLayeredRuntime(RuntimeLayers.istio());
        b.getDynamicResourcesBuilder()
                .setLdsConfig(ads)
                .setCdsConfig(ads)
                .setAdsConfig(ApiConfigSource.newBuilder()
                        .setApiType(options.xdsApi().apiType())
                        .setTransportApiVersion(ApiVersion.V3)
                        .setSetNodeOnFirstMessageOnly(true)
                        .addGrpcServices(GrpcService.newBuilder().setEnvoyGrpc(
                                GrpcService.EnvoyGrpc.newBuilder().setClusterName(XdsGrpcCluster.NAME))));
        b.getStaticResourcesBuilder().addClusters(XdsGrpcCluster.build(discoveryAddress, options.connectTimeout(),
                OutboundCluster.dnsLookupFamily(ProxyView.of(proxy))));
        return b.build();
    }

    private Node node() {
        Struct.Builder metadata = Struct.newBuilder();
        new TreeMap<>(proxy.metadata()).forEach((k, v) -> metadata.putFields(k, Value.newBuilder().setStringValue(v).build()));
        // The labels as given: the topology labels the server derives from the locality are its own business.
        if (!options.labels().isEmpty()) {
            Struct.Builder labels = Struct.newBuilder();
            new TreeMap<>(options.labels()).forEach((k, v) -> labels.putFields(k, Value.newBuilder().setStringValue(v).build()));
            metadata.putFields(Proxy.LABELS, Value.newBuilder().setStructValue(labels).build());
        }
        Node.Builder node = Node.newBuilder()
                .setId(proxy.nodeId())
                .setCluster(serviceCluster)
                .setMetadata(metadata);
        // pilot-agent reports the locality its labels give (topology.istio.io/locality) as the node's own.
        if (!proxy.locality().isEmpty()) {
            node.setLocality(io.envoyproxy.envoy.config.core.v3.Locality.newBuilder()
                    .setRegion(proxy.locality().region())
                    .setZone(proxy.locality().zone())
                    .setSubZone(proxy.locality().subzone()));
        }
        return node.build();
    }

    /** Envoy's JSON form with the proto field names of Istio's template and Envoy's docs (snake_case). */
    public static String json(Bootstrap bootstrap) {
        try {
            return JSON.print(bootstrap);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("bootstrap holds a type the JSON printer does not know: " + e.getMessage(), e);
        }
    }
}
