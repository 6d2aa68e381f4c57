package io.pilot4j.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who is asking for configuration (Istio's model.Proxy): parsed once from the node id
 * {@code type~ip~id~domain} and node metadata when a stream opens, then immutable.
 *
 * @param nodeId      the node id exactly as sent
 * @param type        sidecar or router
 * @param ipAddresses the proxy's IPs (second field, or INSTANCE_IPS metadata)
 * @param id          third field, usually {@code pod.namespace}
 * @param dnsDomain   fourth field, usually {@code namespace.svc.cluster.local}
 * @param namespace   config namespace: NAMESPACE metadata, else derived from id or dnsDomain
 * @param labels      workload labels from LABELS metadata, plus the topology labels of its locality (Istio's
 *                    AugmentLabels), so failoverPriority can name them
 * @param metadata    node metadata fields that are strings (GENERATOR, NAMESPACE, CLUSTER_ID, ...)
 * @param locality    where the proxy runs, which locality load balancing prefers (Istio's setTopologyLabels)
 */
public record Proxy(
        String nodeId,
        NodeType type,
        List<String> ipAddresses,
        String id,
        String dnsDomain,
        String namespace,
        Map<String, String> labels,
        Map<String, String> metadata,
        Locality locality) {

    public static final String GENERATOR = "GENERATOR";
    public static final String NAMESPACE = "NAMESPACE";
    public static final String INSTANCE_IPS = "INSTANCE_IPS";
    /** Node metadata holding the workload labels, a struct of strings. */
    public static final String LABELS = "LABELS";

    private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");

    public Proxy {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(type, "type");
        ipAddresses = List.copyOf(ipAddresses);
        id = Objects.requireNonNullElse(id, "");
        dnsDomain = Objects.requireNonNullElse(dnsDomain, "");
        namespace = Objects.requireNonNullElse(namespace, "");
        labels = Map.copyOf(labels);
        metadata = Map.copyOf(metadata);
        Objects.requireNonNull(locality, "locality");
    }

    /**
     * Parses Istio's node id. Rejects ids that do not have four '~'-separated fields, an unknown type, or a
     * malformed IP, with a message that quotes the id ({@link ClientText#abbreviate abbreviated}).
     */
    public static Proxy fromNode(String nodeId, Map<String, String> metadata, Map<String, String> labels) {
        return fromNode(nodeId, metadata, labels, Locality.NONE);
    }

    /**
     * As {@link #fromNode(String, Map, Map)}, with the Envoy node's own {@code locality}, which counts only when
     * the workload labels say nothing of it.
     */
    public static Proxy fromNode(String nodeId, Map<String, String> metadata, Map<String, String> labels, Locality nodeLocality) {
        if (nodeId == null || nodeId.isEmpty()) {
            throw new IllegalArgumentException("node id is empty: want type~ip~id~domain, e.g. sidecar~10.0.0.1~pod.ns~ns.svc.cluster.local");
        }
        String[] parts = nodeId.split("~", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("node id '" + ClientText.abbreviate(nodeId) + "' has " + parts.length
                    + " '~'-separated fields, want 4: type~ip~id~domain");
        }
        NodeType type;
        try {
            type = NodeType.parse(parts[0]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("node id '" + ClientText.abbreviate(nodeId) + "': " + e.getMessage(), e);
        }
        String ips = metadata.getOrDefault(INSTANCE_IPS, parts[1]);
        List<String> ipAddresses = ips.isEmpty() ? List.of() : List.of(ips.split(","));
        for (String ip : ipAddresses) {
            if (!isIpAddress(ip)) {
                throw new IllegalArgumentException("node id '" + ClientText.abbreviate(nodeId) + "': '" + ClientText.abbreviate(ip)
                        + "' is not an IP address");
            }
        }
        String id = parts[2];
        String domain = parts[3];
        String namespace = metadata.get(NAMESPACE);
        if (namespace == null || namespace.isEmpty()) {
            namespace = deriveNamespace(id, domain);
        }
        Locality locality = locality(labels, nodeLocality);
        return new Proxy(nodeId, type, ipAddresses, id, domain, namespace, locality.augment(labels), metadata, locality);
    }

    /**
     * Istio's setTopologyLabels: the topology labels first (in Istio the registry puts the node's there), then the
     * locality label ({@code topology.istio.io/locality}, else {@code istio-locality}; dots separate its parts
     * as pilot-agent's SanitizeLocalityLabel allows), and only then the locality the node reports itself.
     */
    static Locality locality(Map<String, String> labels, Locality nodeLocality) {
        if (labels.containsKey(Locality.REGION_LABEL) || labels.containsKey(Locality.ZONE_LABEL)
                || labels.containsKey(Locality.SUBZONE_LABEL)) {
            return Locality.fromLabels(labels);
        }
        String label = labels.getOrDefault(Locality.LOCALITY_LABEL, labels.get(Locality.LEGACY_LOCALITY_LABEL));
        if (label != null && !label.isEmpty()) {
            return Locality.parse(label.contains("/") ? label : label.replace('.', '/'));
        }
        return nodeLocality;
    }

    private static String deriveNamespace(String id, String domain) {
        int dot = id.indexOf('.');
        if (dot > 0 && dot < id.length() - 1) {
            return id.substring(dot + 1);
        }
        int svc = domain.indexOf(".svc.");
        if (svc > 0) {
            return domain.substring(0, svc);
        }
        return "";
    }

    static boolean isIpAddress(String s) {
        var m = IPV4.matcher(s);
        if (m.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(m.group(i)) > 255) {
                    return false;
                }
            }
            return true;
        }
        // IPv6: hex groups and colons, at least two colons; good enough to reject typos without DNS lookups.
        return s.indexOf(':') != s.lastIndexOf(':') && s.matches("^[0-9a-fA-F:.]+(%\\w+)?$");
    }

    /** Proxyless gRPC clients announce themselves with GENERATOR=grpc (Istio's IsProxylessGrpc). */
    public boolean isProxylessGrpc() {
        return "grpc".equals(metadata.get(GENERATOR));
    }

    public boolean isSidecar() {
        return type == NodeType.SIDECAR;
    }

    public boolean isRouter() {
        return type == NodeType.ROUTER;
    }
}
