package io.pilot4j.mesh;

import io.pilot4j.mesh.MeshConfig.AccessLogEncoding;
import io.pilot4j.mesh.OutboundTrafficPolicy.Mode;

import java.util.List;

/**
 * Builds a {@link MeshConfig} the way Istio's ApplyMeshConfigDefaults does: a field that is given replaces the
 * default whole (a given localityLbSetting or outboundTrafficPolicy starts from protobuf's zero values, not from
 * the default); only defaultConfig is merged field by field into the default ProxyConfig.
 */
final class MeshConfigReader {

    private MeshConfigReader() {
    }

    static MeshConfig read(ConfigObject mesh) {
        MeshConfig d = MeshConfig.defaults();
        return new MeshConfig(
                mesh.int32("proxyListenPort", d.proxyListenPort()),
                mesh.int32("proxyInboundListenPort", d.proxyInboundListenPort()),
                mesh.duration("connectTimeout", d.connectTimeout()),
                mesh.duration("protocolDetectionTimeout", d.protocolDetectionTimeout()),
                mesh.object("outboundTrafficPolicy", IstioFields.OUTBOUND_TRAFFIC_POLICY)
                        .map(MeshConfigReader::outboundTrafficPolicy)
                        .orElse(d.outboundTrafficPolicy()),
                mesh.object("defaultConfig", IstioFields.PROXY_CONFIG)
                        .map(given -> ProxyConfigReader.merge(given, d.defaultConfig()))
                        .orElse(d.defaultConfig()),
                mesh.object("localityLbSetting", IstioFields.LOCALITY_LB_SETTING)
                        .map(LocalityLbSettingReader::read)
                        .orElse(d.localityLbSetting()),
                mesh.stringList("defaultServiceExportTo", d.defaultServiceExportTo()),
                mesh.stringList("defaultVirtualServiceExportTo", d.defaultVirtualServiceExportTo()),
                mesh.stringList("defaultDestinationRuleExportTo", d.defaultDestinationRuleExportTo()),
                mesh.duration("dnsRefreshRate", d.dnsRefreshRate()),
                mesh.string("rootNamespace", d.rootNamespace()),
                mesh.string("trustDomain", d.trustDomain()),
                mesh.bool("enableTracing", d.enableTracing()),
                mesh.string("accessLogFile", d.accessLogFile()),
                mesh.enumValue("accessLogEncoding", List.of(AccessLogEncoding.values()), d.accessLogEncoding()),
                mesh.string("accessLogFormat", d.accessLogFormat()),
                mesh.bool("enableAutoMtls", d.enableAutoMtls()),
                mesh.string("ingressClass", d.ingressClass()),
                mesh.string("ingressService", d.ingressService()),
                mesh.objectList("discoverySelectors", IstioFields.LABEL_SELECTOR).stream()
                        .map(MeshConfigReader::labelSelector)
                        .toList());
    }

    private static LabelSelector labelSelector(ConfigObject selector) {
        return new LabelSelector(
                selector.stringMap("matchLabels"),
                selector.objectList("matchExpressions", IstioFields.LABEL_SELECTOR_REQUIREMENT).stream()
                        .map(r -> new LabelSelector.Requirement(r.string("key", ""),
                                r.enumValue("operator", List.of(LabelSelector.Operator.values()), null),
                                r.stringList("values", List.of())))
                        .toList());
    }

    /** An omitted mode is protobuf's zero value, REGISTRY_ONLY, as in Istio: "{}" blocks unknown egress. */
    private static OutboundTrafficPolicy outboundTrafficPolicy(ConfigObject policy) {
        return new OutboundTrafficPolicy(policy.enumValue("mode", List.of(Mode.values()), Mode.REGISTRY_ONLY));
    }
}
