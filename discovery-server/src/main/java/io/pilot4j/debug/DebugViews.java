package io.pilot4j.debug;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.serviceregistry.ConfigStore;
import io.pilot4j.serviceregistry.StoredConfig;
import io.pilot4j.xds.DiscoveryServer;
import io.pilot4j.xds.SyncStatus;

import java.time.Instant;
import java.util.List;

/**
 * The JSON bodies of /debug/*: read-only views of the current push snapshot, the registries' objects and
 * the connected proxies. Field names follow Istio's debug output where Istio has the same view.
 */
final class DebugViews {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final DiscoveryServer discovery;
    private final List<ConfigStore> stores;
    private final ObjectMapper mapper;

    DebugViews(DiscoveryServer discovery, List<ConfigStore> stores, ObjectMapper mapper) {
        this.discovery = discovery;
        this.stores = List.copyOf(stores);
        this.mapper = mapper;
    }

    ArrayNode registryz() {
        ArrayNode out = JSON.arrayNode();
        for (Service s : discovery.pushContext().services()) {
            out.add(service(s));
        }
        return out;
    }

    ArrayNode endpointz() {
        PushContext push = discovery.pushContext();
        ArrayNode out = JSON.arrayNode();
        for (Service s : push.services()) {
            ObjectNode entry = out.addObject();
            entry.put("hostname", s.hostname());
            entry.put("namespace", s.namespace());
            ArrayNode endpoints = entry.putArray("endpoints");
            for (Endpoint e : push.endpoints(s.hostname())) {
                ObjectNode n = endpoints.addObject();
                n.put("address", e.address());
                n.put("port", e.port());
                n.put("servicePortName", e.servicePortName());
                n.set("labels", mapper.valueToTree(e.labels()));
                n.put("locality", e.locality().toString());
                n.put("weight", e.weight());
                n.put("healthStatus", e.health().name());
                n.put("serviceAccount", e.serviceAccount());
            }
        }
        return out;
    }

    ArrayNode configz() {
        ArrayNode out = JSON.arrayNode();
        for (ConfigStore store : stores) {
            for (StoredConfig c : store.configs()) {
                ObjectNode n = out.addObject();
                n.put("kind", c.key().kind().kubeKind());
                n.put("namespace", c.key().namespace());
                n.put("name", c.key().name());
                n.put("source", c.source());
                if (c.documentIndex() >= 0) {
                    n.put("documentIndex", c.documentIndex());
                }
                n.set("object", mapper.valueToTree(c.object()));
            }
        }
        return out;
    }

    ObjectNode pushStatus() {
        PushContext push = discovery.pushContext();
        ObjectNode out = JSON.objectNode();
        out.put("version", push.version());
        out.put("createdAt", iso(push.createdAt()));
        out.put("services", push.services().size());
        out.put("connectedProxies", discovery.syncStatus().size());
        out.put("pushes", discovery.pushCount());
        out.put("pilot_total_xds_rejects", discovery.nackCount());
        out.put("pilot_xds_expired_nonce", discovery.expiredNonceCount());
        List<ConfigError> errors = discovery.configErrors();
        out.put("virtualServices", push.rules().virtualServices().size());
        out.put("destinationRules", push.rules().destinationRules().size());
        ArrayNode errorNodes = out.putArray("configErrors");
        for (ConfigError e : errors) {
            ObjectNode n = errorNodes.addObject();
            n.put("source", e.source());
            if (e.documentIndex() >= 0) {
                n.put("documentIndex", e.documentIndex());
            }
            n.put("kind", e.kind());
            n.put("namespace", e.namespace());
            n.put("name", e.name());
            n.put("message", e.message());
        }
        return out;
    }

    /**
     * Per connected proxy: Istio's syncz fields (nonces sent and acked per type) plus the stream's protocol, under
     * "types", versions, subscribed names, the last NACK and, for delta, how many resource versions are tracked, and
     * under "pending_push" the push waiting for a client that stopped reading.
     */
    ArrayNode syncz() {
        ArrayNode out = JSON.arrayNode();
        for (SyncStatus s : discovery.syncStatus()) {
            ObjectNode n = out.addObject();
            n.put("connection_id", s.connectionId());
            n.put("proxy", s.proxy().id());
            n.put("node_id", s.proxy().nodeId());
            n.put("proxy_type", s.proxy().type().idPrefix());
            n.put("namespace", s.proxy().namespace());
            n.put("generator", s.proxy().isProxylessGrpc() ? "grpc" : "envoy");
            n.put("peer", s.peer());
            n.put("connected_at", iso(s.connectedAt()));
            n.put("stream", s.stream());
            istioNonces(n, s, "CDS", "cluster");
            istioNonces(n, s, "LDS", "listener");
            istioNonces(n, s, "RDS", "route");
            istioNonces(n, s, "EDS", "endpoint");
            if (s.pendingPush() != null) {
                ObjectNode pending = n.putObject("pending_push");
                pending.put("merged", s.pendingPush().merged());
                pending.set("types", mapper.valueToTree(s.pendingPush().types()));
            }
            ObjectNode types = n.putObject("types");
            s.types().forEach((type, t) -> {
                ObjectNode tn = types.putObject(type);
                tn.put("wildcard", t.wildcard());
                tn.set("names", mapper.valueToTree(t.names()));
                tn.put("version_sent", t.versionSent());
                tn.put("nonce_sent", t.nonceSent());
                tn.put("last_sent", iso(t.lastSent()));
                tn.put("resources_sent", t.resourcesSent());
                tn.put("version_acked", t.versionAcked());
                tn.put("nonce_acked", t.nonceAcked());
                if (s.stream().equals("delta")) {
                    tn.put("resource_versions", t.resourceVersions());
                }
                if (t.lastNack() != null) {
                    ObjectNode nack = tn.putObject("last_nack");
                    nack.put("nonce", t.lastNack().nonce());
                    nack.put("version_info", t.lastNack().versionInfo());
                    nack.put("code", t.lastNack().code());
                    nack.put("message", t.lastNack().message());
                    nack.put("at", iso(t.lastNack().at()));
                }
            });
        }
        return out;
    }

    private static void istioNonces(ObjectNode n, SyncStatus s, String type, String prefix) {
        SyncStatus.TypeStatus t = s.types().get(type);
        n.put(prefix + "_sent", t == null ? "" : t.nonceSent());
        n.put(prefix + "_acked", t == null ? "" : t.nonceAcked());
    }

    private ObjectNode service(Service s) {
        ObjectNode n = JSON.objectNode();
        n.put("hostname", s.hostname());
        n.put("namespace", s.namespace());
        ArrayNode ports = n.putArray("ports");
        for (ServicePort p : s.ports()) {
            ObjectNode pn = ports.addObject();
            pn.put("name", p.name());
            pn.put("port", p.port());
            pn.put("protocol", p.protocol().istioName());
        }
        n.set("addresses", mapper.valueToTree(s.addresses()));
        n.put("resolution", s.resolution().name());
        n.put("meshExternal", s.meshExternal());
        n.set("labels", mapper.valueToTree(s.labels()));
        n.set("exportTo", mapper.valueToTree(s.exportTo().stream().sorted().toList()));
        return n;
    }

    private static String iso(Instant at) {
        return at == null ? "" : at.toString();
    }
}
