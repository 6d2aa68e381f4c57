package io.pilot4j.kube.service;

import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.FieldPath;
import io.pilot4j.net.IpAddresses;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.ServiceHostname;
import io.pilot4j.kube.ServiceWithEndpoints;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes {@code v1 Service} as Istio sees it (pilot/pkg/serviceregistry/kube ConvertService): ClusterIP,
 * NodePort and LoadBalancer services are load-balanced over their ClusterIP, headless ones pass through, and
 * ExternalName ones are DNS aliases outside the mesh whose only endpoint is the external name.
 */
public final class ServiceConversion {
    /** Istio's annotation listing the namespaces that may see a Service, comma-separated. */
    public static final String EXPORT_TO_ANNOTATION = "networking.istio.io/exportTo";

    static final String HEADLESS = "None";

    private static final FieldPath SPEC = FieldPath.of("spec");
    private static final FieldPath PORTS = SPEC.child("ports");
    private static final Set<String> TYPES = Set.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
    private static final Set<String> TRANSPORTS = Set.of("TCP", "UDP", "SCTP");

    private ServiceConversion() {
    }

    /**
     * @param service      the Service as written; a missing namespace means "default"
     * @param domainSuffix the cluster domain, e.g. cluster.local
     * @return the model service (with the external name as endpoints for ExternalName services), or every field error
     */
    public static Result<ServiceWithEndpoints> convert(io.fabric8.kubernetes.api.model.Service service, String domainSuffix) {
        FieldErrors errors = new FieldErrors();
        Metadata.requireName(service, errors);
        ServiceSpec spec = service.getSpec() == null ? new ServiceSpec() : service.getSpec();

        String type = spec.getType() == null || spec.getType().isEmpty() ? "ClusterIP" : spec.getType();
        if (!TYPES.contains(type)) {
            errors.add(SPEC.child("type"), "unsupported value \"" + type + "\": want ClusterIP, NodePort, LoadBalancer or ExternalName");
        }
        List<ServicePort> ports = convertPorts(spec.getPorts(), errors);

        boolean externalName = type.equals("ExternalName");
        String target = spec.getExternalName() == null ? "" : spec.getExternalName();
        if (externalName && target.isEmpty()) {
            errors.add(SPEC.child("externalName"), "required when type is ExternalName");
        }
        List<String> clusterIps = externalName ? List.of() : clusterIps(spec, errors);
        boolean headless = !clusterIps.isEmpty() && clusterIps.get(0).equals(HEADLESS);

        return errors.toResult(() -> {
            String namespace = Metadata.namespace(service);
            Map<String, String> labels = Metadata.labels(service);
            Resolution resolution = externalName ? Resolution.DNS_LB
                    : headless ? Resolution.PASSTHROUGH
                    : Resolution.CLIENT_SIDE_LB;
            Service out = new Service(
                    ServiceHostname.of(Metadata.name(service), namespace, domainSuffix),
                    namespace,
                    ports,
                    labels,
                    headless ? List.of() : clusterIps,
                    resolution,
                    externalName,
                    exportTo(Metadata.annotations(service).get(EXPORT_TO_ANNOTATION)));
            return new ServiceWithEndpoints(out, externalName ? externalNameEndpoints(target, ports, labels) : List.of());
        });
    }

    private static List<ServicePort> convertPorts(List<io.fabric8.kubernetes.api.model.ServicePort> in, FieldErrors errors) {
        if (in == null) {
            return List.of();
        }
        Map<Integer, ServicePort> byNumber = new LinkedHashMap<>();
        Map<Integer, Integer> indexByNumber = new HashMap<>();
        Map<String, Integer> indexByName = new HashMap<>();
        for (int i = 0; i < in.size(); i++) {
            var p = in.get(i);
            FieldPath path = PORTS.index(i);
            String name = p.getName() == null ? "" : p.getName();
            if (name.isEmpty() && in.size() > 1) {
                errors.add(path.child("name"), "required when a Service has more than one port");
            } else if (!name.isEmpty()) {
                Integer other = indexByName.putIfAbsent(name, i);
                if (other != null) {
                    errors.add(path.child("name"), "\"" + name + "\" is already used by " + PORTS.index(other));
                }
            }
            String transport = p.getProtocol();
            if (transport != null && !transport.isEmpty() && !TRANSPORTS.contains(transport)) {
                errors.add(path.child("protocol"), "unsupported value \"" + transport + "\": want TCP, UDP or SCTP");
            }
            if (p.getPort() == null) {
                errors.required(path.child("port"));
                continue;
            }
            if (!errors.checkPort(path.child("port"), p.getPort())) {
                continue;
            }
            int number = p.getPort();
            ServicePort port = new ServicePort(name, number, KubeProtocol.convert(number, name, transport, p.getAppProtocol()));
            ServicePort existing = byNumber.get(number);
            if (existing == null) {
                byNumber.put(number, port);
                indexByNumber.put(number, i);
            } else if ((existing.protocol() == Protocol.UDP) != (port.protocol() == Protocol.UDP)) {
                // The same number over TCP and UDP (DNS on 53) is legal in Kubernetes, but the model keys ports by
                // number and Envoy cannot proxy UDP anyway: keep the TCP one.
                if (existing.protocol() == Protocol.UDP) {
                    byNumber.put(number, port);
                }
            } else {
                errors.add(path.child("port"), number + " is already used by " + PORTS.index(indexByNumber.get(number)));
            }
        }
        return new ArrayList<>(byNumber.values());
    }

    /** clusterIPs when set (dual stack), else clusterIP; "None" first means headless. */
    private static List<String> clusterIps(ServiceSpec spec, FieldErrors errors) {
        String single = spec.getClusterIP() == null ? "" : spec.getClusterIP();
        List<String> all = spec.getClusterIPs() == null ? List.of() : spec.getClusterIPs();
        if (all.isEmpty()) {
            if (single.isEmpty()) {
                // Written by hand without an allocated IP: no virtual IP, yet still load-balanced (Istio's 0.0.0.0).
                return List.of();
            }
            if (!single.equals(HEADLESS) && !IpAddresses.isIp(single)) {
                errors.add(SPEC.child("clusterIP"), "\"" + single + "\" is not a valid IP address or \"None\"");
            }
            return List.of(single);
        }
        if (!single.isEmpty() && !single.equals(all.get(0))) {
            errors.add(SPEC.child("clusterIPs").index(0), "\"" + all.get(0) + "\" must match spec.clusterIP \"" + single + "\"");
        }
        for (int i = 0; i < all.size(); i++) {
            String ip = all.get(i);
            boolean headlessMarker = i == 0 && all.size() == 1 && ip.equals(HEADLESS);
            if (!headlessMarker && !IpAddresses.isIp(ip)) {
                errors.add(SPEC.child("clusterIPs").index(i), "\"" + ip + "\" is not a valid IP address");
            }
        }
        return List.copyOf(all);
    }

    private static Set<String> exportTo(String annotation) {
        if (annotation == null || annotation.isBlank()) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String ns : annotation.split(",")) {
            if (!ns.isBlank()) {
                out.add(ns.trim());
            }
        }
        return out;
    }

    private static List<Endpoint> externalNameEndpoints(String target, List<ServicePort> ports, Map<String, String> labels) {
        List<Endpoint> out = new ArrayList<>(ports.size());
        for (ServicePort port : ports) {
            out.add(new Endpoint(target, port.port(), port.name(), labels, Locality.NONE, 1, HealthStatus.HEALTHY, ""));
        }
        return out;
    }
}
