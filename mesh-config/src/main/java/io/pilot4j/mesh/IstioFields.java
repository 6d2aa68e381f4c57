package io.pilot4j.mesh;

import java.util.Set;

/**
 * Which fields of the mesh file pilot4j reads, which it accepts silently because Istio has them, and (by being
 * in neither list) which get an "unknown field" warning. Checked against istio/api mesh/v1alpha1 config.proto,
 * proxy.proto and networking/v1alpha3 destination_rule.proto (2026-07).
 *
 * <p>Deliberately absent, so they warn: the fields Istio removed (its {@code reserved} names). Mixer-era
 * MeshConfig fields: mixerCheckServer, mixerReportServer, disablePolicyChecks, disableMixerHttpReports,
 * policyCheckFailOpen, sidecarToTelemetrySessionAffinity, mixerAddress, enableClientSidePolicyCheck,
 * disableReportBatch, reportBatchMaxEntries, reportBatchMaxTime; later removals: authPolicy, rdsRefreshDelay,
 * sdsUdsPath, sdsRefreshDelay, enableSdsTokenMount, sdsUseK8sSaJwt, terminationDrainDuration (moved to
 * defaultConfig), thriftConfig (removed in 2022), fileFlushInterval, fileFlushMinSize.
 * ProxyConfig: connectTimeout. A user who still has them is told they do nothing.
 *
 * <p>One exception: Istio also removed ProxyConfig's parentShutdownDuration, but pilot4j's {@link ProxyConfig}
 * still carries it, so it is read, not warned about.
 */
final class IstioFields {

    static final MessageFields MESH_CONFIG = new MessageFields("MeshConfig",
            Set.of("proxyListenPort", "proxyInboundListenPort", "connectTimeout", "protocolDetectionTimeout",
                    "outboundTrafficPolicy", "defaultConfig", "localityLbSetting",
                    "defaultServiceExportTo", "defaultVirtualServiceExportTo", "defaultDestinationRuleExportTo",
                    "dnsRefreshRate", "rootNamespace", "trustDomain", "enableTracing",
                    "accessLogFile", "accessLogEncoding", "accessLogFormat", "enableAutoMtls",
                    "ingressClass", "ingressService", "discoverySelectors"),
            Set.of("proxyHttpPort", "hboneIdleTimeout", "tcpKeepalive",
                    "ingressControllerMode", "ingressSelector",
                    "enableEnvoyAccessLogService", "disableEnvoyListenerLog",
                    "inboundTrafficPolicy", "configSources",
                    "trustDomainAliases", "caCertificates", "certificates",
                    "zoneAwareLbSetting", "h2UpgradePolicy",
                    "inboundClusterStatName", "outboundClusterStatName",
                    "serviceSettings", "serviceScopeConfigs",
                    "enablePrometheusMerge", "verifyCertificateAtClient", "ca",
                    "extensionProviders", "defaultProviders",
                    "pathNormalization", "defaultHttpRetryPolicy",
                    "meshMTLS", "tlsDefaults", "defaultTrafficPolicy", "serviceEntryVisibility"));

    static final MessageFields PROXY_CONFIG = new MessageFields("ProxyConfig",
            Set.of("configPath", "binaryPath", "serviceCluster",
                    "drainDuration", "parentShutdownDuration", "terminationDrainDuration",
                    "discoveryAddress", "proxyAdminPort", "controlPlaneAuthPolicy",
                    "statNameLength", "concurrency", "statusPort", "proxyMetadata"),
            Set.of("tracingServiceName", "discoveryRefreshDelay", "zipkinAddress",
                    "statsdUdpAddress", "envoyMetricsServiceAddress", "availabilityZone",
                    "customConfigFile", "proxyBootstrapTemplatePath", "interceptionMode",
                    "tracing", "sds", "envoyAccessLogService", "envoyMetricsService",
                    "runtimeValues", "extraStatTags", "gatewayTopology", "meshId",
                    "readinessProbe", "proxyStatsMatcher", "holdApplicationUntilProxyStarts",
                    "caCertificatesPem", "image", "privateKeyProvider", "proxyHeaders",
                    "fileFlushInterval", "fileFlushMinSizeKb", "statsCompression", "connectionSettings"));

    static final MessageFields OUTBOUND_TRAFFIC_POLICY = new MessageFields("MeshConfig.OutboundTrafficPolicy",
            Set.of("mode"),
            Set.of("tls"));

    static final MessageFields LOCALITY_LB_SETTING = new MessageFields("LocalityLoadBalancerSetting",
            Set.of("enabled", "distribute", "failover", "failoverPriority"),
            Set.of());

    static final MessageFields DISTRIBUTE = new MessageFields("LocalityLoadBalancerSetting.Distribute",
            Set.of("from", "to"),
            Set.of());

    static final MessageFields FAILOVER = new MessageFields("LocalityLoadBalancerSetting.Failover",
            Set.of("from", "to"),
            Set.of());

    static final MessageFields LABEL_SELECTOR = new MessageFields("LabelSelector",
            Set.of("matchLabels", "matchExpressions"),
            Set.of());

    static final MessageFields LABEL_SELECTOR_REQUIREMENT = new MessageFields("LabelSelectorRequirement",
            Set.of("key", "operator", "values"),
            Set.of());

    private IstioFields() {
    }
}
