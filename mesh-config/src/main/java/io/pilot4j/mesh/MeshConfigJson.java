package io.pilot4j.mesh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mesh config as Istio shows it (/debug/mesh): Istio's JSON field names, enums by name, durations in protobuf
 * JSON form ("10s", "1.500s"). Every field pilot4j holds is written, defaults included, so that what is shown is
 * what is in force and {@link MeshConfigParser} reads it back to an equal value.
 */
public final class MeshConfigJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MeshConfigJson() {
    }

    /** Pretty-printed JSON. */
    public static String toJson(MeshConfig mesh) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toTree(mesh));
        } catch (JsonProcessingException impossible) {
            throw new UncheckedIOException(impossible); // a tree of plain nodes always writes
        }
    }

    /** The same as a Jackson tree, for endpoints that wrap it in a larger response. */
    public static ObjectNode toTree(MeshConfig mesh) {
        ObjectNode json = NODES.objectNode();
        json.put("proxyListenPort", mesh.proxyListenPort());
        json.put("proxyInboundListenPort", mesh.proxyInboundListenPort());
        json.put("connectTimeout", DurationText.format(mesh.connectTimeout()));
        json.put("protocolDetectionTimeout", DurationText.format(mesh.protocolDetectionTimeout()));
        json.putObject("outboundTrafficPolicy").put("mode", mesh.outboundTrafficPolicy().mode().name());
        json.set("defaultConfig", proxyConfig(mesh.defaultConfig()));
        json.set("localityLbSetting", localityLbSetting(mesh.localityLbSetting()));
        json.set("defaultServiceExportTo", strings(mesh.defaultServiceExportTo()));
        json.set("defaultVirtualServiceExportTo", strings(mesh.defaultVirtualServiceExportTo()));
        json.set("defaultDestinationRuleExportTo", strings(mesh.defaultDestinationRuleExportTo()));
        json.put("dnsRefreshRate", DurationText.format(mesh.dnsRefreshRate()));
        json.put("rootNamespace", mesh.rootNamespace());
        json.put("trustDomain", mesh.trustDomain());
        json.put("enableTracing", mesh.enableTracing());
        json.put("accessLogFile", mesh.accessLogFile());
        json.put("accessLogEncoding", mesh.accessLogEncoding().name());
        json.put("accessLogFormat", mesh.accessLogFormat());
        json.put("enableAutoMtls", mesh.enableAutoMtls());
        json.put("ingressClass", mesh.ingressClass());
        json.put("ingressService", mesh.ingressService());
        ArrayNode selectors = json.putArray("discoverySelectors");
        for (LabelSelector selector : mesh.discoverySelectors()) {
            ObjectNode s = selectors.addObject();
            s.set("matchLabels", sorted(selector.matchLabels()));
            ArrayNode expressions = s.putArray("matchExpressions");
            for (LabelSelector.Requirement r : selector.matchExpressions()) {
                expressions.addObject().put("key", r.key()).put("operator", r.operator().name()).set("values", strings(r.values()));
            }
        }
        return json;
    }

    private static ObjectNode proxyConfig(ProxyConfig proxy) {
        ObjectNode json = NODES.objectNode();
        json.put("configPath", proxy.configPath());
        json.put("binaryPath", proxy.binaryPath());
        json.put("serviceCluster", proxy.serviceCluster());
        json.put("drainDuration", DurationText.format(proxy.drainDuration()));
        json.put("parentShutdownDuration", DurationText.format(proxy.parentShutdownDuration()));
        json.put("terminationDrainDuration", DurationText.format(proxy.terminationDrainDuration()));
        json.put("discoveryAddress", proxy.discoveryAddress());
        json.put("proxyAdminPort", proxy.proxyAdminPort());
        json.put("controlPlaneAuthPolicy", proxy.controlPlaneAuthPolicy().name());
        json.put("statNameLength", proxy.statNameLength());
        json.put("concurrency", proxy.concurrency());
        json.put("statusPort", proxy.statusPort());
        json.set("proxyMetadata", sorted(proxy.proxyMetadata()));
        return json;
    }

    private static ObjectNode localityLbSetting(LocalityLbSetting setting) {
        ObjectNode json = NODES.objectNode();
        json.put("enabled", setting.enabled());
        ArrayNode distribute = json.putArray("distribute");
        for (LocalityLbSetting.Distribute d : setting.distribute()) {
            ObjectNode entry = distribute.addObject().put("from", d.from());
            ObjectNode to = entry.putObject("to");
            new TreeMap<>(d.to()).forEach(to::put);
        }
        ArrayNode failover = json.putArray("failover");
        for (LocalityLbSetting.Failover f : setting.failover()) {
            failover.addObject().put("from", f.from()).put("to", f.to());
        }
        json.set("failoverPriority", strings(setting.failoverPriority()));
        return json;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode json = NODES.arrayNode();
        values.forEach(json::add);
        return json;
    }

    /** Records hold unordered maps; sorted keys keep the output stable between calls. */
    private static ObjectNode sorted(Map<String, String> map) {
        ObjectNode json = NODES.objectNode();
        new TreeMap<>(map).forEach(json::put);
        return json;
    }
}
