package io.pilot4j.mesh;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The mesh-wide settings pilot4j reads from Istio's mesh config file ({@code --meshConfig}), with Istio's
 * defaults ({@link #defaults()}, pkg/config/mesh DefaultMeshConfig). Immutable; a reload builds a new one.
 *
 * @param proxyListenPort               port of the virtualOutbound listener (15001)
 * @param proxyInboundListenPort        port of the virtualInbound listener (15006)
 * @param connectTimeout                connect timeout of generated clusters (10s)
 * @param protocolDetectionTimeout      Istio's sniffing timeout (0s); kept for fidelity, pilot4j does not sniff
 * @param outboundTrafficPolicy         what happens to traffic to unknown destinations (ALLOW_ANY)
 * @param defaultConfig                 defaults for proxies, used when rendering bootstraps
 * @param localityLbSetting             mesh-wide locality load balancing
 * @param defaultServiceExportTo        exportTo for services that set none (["*"])
 * @param defaultVirtualServiceExportTo exportTo for VirtualServices that set none (["*"])
 * @param defaultDestinationRuleExportTo exportTo for DestinationRules that set none (["*"])
 * @param dnsRefreshRate                refresh rate of DNS clusters (60s)
 * @param rootNamespace                 namespace holding mesh-wide config (istio-system)
 * @param trustDomain                   SPIFFE trust domain (cluster.local)
 * @param enableTracing                 Istio's flag; kept for fidelity
 * @param accessLogFile                 Envoy access log path, empty for none
 * @param accessLogEncoding             TEXT or JSON
 * @param accessLogFormat               custom access log format, empty for Envoy's default
 * @param enableAutoMtls                Istio's flag; kept for fidelity
 * @param ingressClass                  Kubernetes Ingress class handled by Istio ("istio")
 * @param ingressService                the ingress gateway service ("istio-ingressgateway")
 * @param discoverySelectors            namespaces the Kubernetes registry reads: those matching any selector; all
 *                                      when empty (the default)
 */
public record MeshConfig(
        int proxyListenPort,
        int proxyInboundListenPort,
        Duration connectTimeout,
        Duration protocolDetectionTimeout,
        OutboundTrafficPolicy outboundTrafficPolicy,
        ProxyConfig defaultConfig,
        LocalityLbSetting localityLbSetting,
        List<String> defaultServiceExportTo,
        List<String> defaultVirtualServiceExportTo,
        List<String> defaultDestinationRuleExportTo,
        Duration dnsRefreshRate,
        String rootNamespace,
        String trustDomain,
        boolean enableTracing,
        String accessLogFile,
        AccessLogEncoding accessLogEncoding,
        String accessLogFormat,
        boolean enableAutoMtls,
        String ingressClass,
        String ingressService,
        List<LabelSelector> discoverySelectors) {

    public enum AccessLogEncoding { TEXT, JSON }

    public MeshConfig {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(protocolDetectionTimeout, "protocolDetectionTimeout");
        Objects.requireNonNull(outboundTrafficPolicy, "outboundTrafficPolicy");
        Objects.requireNonNull(defaultConfig, "defaultConfig");
        Objects.requireNonNull(localityLbSetting, "localityLbSetting");
        Objects.requireNonNull(dnsRefreshRate, "dnsRefreshRate");
        Objects.requireNonNull(accessLogEncoding, "accessLogEncoding");
        defaultServiceExportTo = List.copyOf(defaultServiceExportTo);
        defaultVirtualServiceExportTo = List.copyOf(defaultVirtualServiceExportTo);
        defaultDestinationRuleExportTo = List.copyOf(defaultDestinationRuleExportTo);
        rootNamespace = Objects.requireNonNullElse(rootNamespace, "");
        trustDomain = Objects.requireNonNullElse(trustDomain, "");
        accessLogFile = Objects.requireNonNullElse(accessLogFile, "");
        accessLogFormat = Objects.requireNonNullElse(accessLogFormat, "");
        ingressClass = Objects.requireNonNullElse(ingressClass, "");
        ingressService = Objects.requireNonNullElse(ingressService, "");
        discoverySelectors = List.copyOf(discoverySelectors);
    }

    /** Istio's DefaultMeshConfig(), the values a missing mesh file or an omitted field gets. */
    public static MeshConfig defaults() {
        return new MeshConfig(
                15001,
                15006,
                Duration.ofSeconds(10),
                Duration.ZERO,
                new OutboundTrafficPolicy(OutboundTrafficPolicy.Mode.ALLOW_ANY),
                ProxyConfig.defaults(),
                LocalityLbSetting.defaults(),
                List.of("*"),
                List.of("*"),
                List.of("*"),
                Duration.ofSeconds(60),
                "istio-system",
                "cluster.local",
                true,
                "",
                AccessLogEncoding.TEXT,
                "",
                true,
                "istio",
                "istio-ingressgateway",
                List.of());
    }

    public boolean allowAnyOutbound() {
        return outboundTrafficPolicy.mode() == OutboundTrafficPolicy.Mode.ALLOW_ANY;
    }
}
