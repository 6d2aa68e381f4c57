package io.pilot4j.kube.serviceentry;

import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntry;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntryResolution;
import io.fabric8.istio.api.api.networking.v1alpha3.ServicePort;
import io.fabric8.istio.api.api.networking.v1alpha3.WorkloadEntry;
import io.pilot4j.net.DnsNames;
import io.pilot4j.kube.FieldError;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.FieldPath;
import io.pilot4j.net.IpAddresses;
import io.pilot4j.model.Protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Istio's ValidateServiceEntry (pkg/config/validation), the checks that decide whether a ServiceEntry can be
 * served; Istio's warnings (partial wildcards, TCP ports without addresses) are not errors here either.
 */
public final class ServiceEntryValidation {
    /** Prefix of a WorkloadEntry address that is a Unix domain socket path (STATIC resolution only). */
    public static final String UNIX_ADDRESS_PREFIX = "unix://";

    private static final FieldPath SPEC = FieldPath.of("spec");
    private static final FieldPath HOSTS = SPEC.child("hosts");
    private static final FieldPath ADDRESSES = SPEC.child("addresses");
    private static final FieldPath PORTS = SPEC.child("ports");
    private static final FieldPath ENDPOINTS = SPEC.child("endpoints");
    private static final FieldPath EXPORT_TO = SPEC.child("exportTo");
    private static final long MAX_WEIGHT = Integer.MAX_VALUE;

    private ServiceEntryValidation() {
    }

    /** Every problem of the spec, each naming its field; empty when it can be served. */
    public static List<FieldError> validate(ServiceEntry spec, String namespace) {
        FieldErrors errors = new FieldErrors();
        if (spec == null) {
            errors.required(SPEC);
            return errors.toList();
        }
        ServiceEntryResolution resolution = spec.getResolution() == null ? ServiceEntryResolution.NONE : spec.getResolution();
        List<String> hosts = listOf(spec.getHosts());
        List<ServicePort> ports = listOf(spec.getPorts());
        List<WorkloadEntry> endpoints = listOf(spec.getEndpoints());

        validateHosts(hosts, errors);
        validateAddresses(listOf(spec.getAddresses()), resolution, errors);
        Set<String> portNames = validatePorts(ports, errors);
        if (spec.getWorkloadSelector() != null && !endpoints.isEmpty()) {
            errors.add(SPEC.child("workloadSelector"), "cannot be set together with spec.endpoints");
        }

        switch (resolution) {
            case NONE:
                if (!endpoints.isEmpty()) {
                    errors.add(ENDPOINTS, "must be empty with resolution NONE (traffic goes to the address the client dialled)");
                }
                break;
            case STATIC:
                for (int i = 0; i < endpoints.size(); i++) {
                    validateEndpoint(ENDPOINTS.index(i), endpoints.get(i), portNames, ports.size(), false, errors);
                }
                break;
            case DNS:
            case DNS_ROUND_ROBIN:
                if (endpoints.isEmpty()) {
                    // Each host is then resolved by the proxy itself, and "*.example.com" cannot be resolved.
                    for (int i = 0; i < hosts.size(); i++) {
                        String host = hosts.get(i);
                        if (host != null && !host.equals("*") && DnsNames.isWildcard(host)) {
                            errors.add(HOSTS.index(i), "wildcard host \"" + host + "\" needs spec.endpoints with resolution " + resolution);
                        }
                    }
                }
                if (resolution == ServiceEntryResolution.DNS_ROUND_ROBIN && endpoints.size() > 1) {
                    errors.add(ENDPOINTS, "at most one endpoint is allowed with resolution DNS_ROUND_ROBIN, got " + endpoints.size());
                }
                for (int i = 0; i < endpoints.size(); i++) {
                    validateEndpoint(ENDPOINTS.index(i), endpoints.get(i), portNames, ports.size(), true, errors);
                }
                break;
            case DYNAMIC_DNS:
                errors.add(SPEC.child("resolution"), "DYNAMIC_DNS is not supported");
                break;
            default:
                errors.add(SPEC.child("resolution"), "unsupported value " + resolution);
        }

        // Over plain TCP a proxy cannot tell which host a connection is for; only HTTP (authority) and TLS (SNI) can.
        if (resolution != ServiceEntryResolution.NONE && hosts.size() > 1) {
            for (int i = 0; i < ports.size(); i++) {
                ServicePort port = ports.get(i);
                Protocol p = port == null ? Protocol.UNSUPPORTED : Protocol.parse(port.getProtocol());
                if (port != null && !p.isHttp() && p != Protocol.HTTPS && p != Protocol.TLS) {
                    errors.add(PORTS.index(i).child("protocol"), "with several hosts and resolution " + resolution
                            + " every port must be HTTP or TLS based (got " + describe(port.getProtocol()) + ")");
                    break;
                }
            }
        }
        validateExportTo(listOf(spec.getExportTo()), namespace, errors);
        return errors.toList();
    }

    private static void validateHosts(List<String> hosts, FieldErrors errors) {
        if (hosts.isEmpty()) {
            errors.add(HOSTS, "at least one host is required");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i);
            if (host == null || host.isEmpty()) {
                errors.required(HOSTS.index(i));
            } else if (host.equals("*")) {
                errors.add(HOSTS.index(i), "\"*\" is not allowed: a ServiceEntry must name its hosts");
            } else {
                FieldPath hostPath = HOSTS.index(i);
                DnsNames.wildcardDomainProblem(host).ifPresent(problem -> errors.add(hostPath, problem));
                Integer other = seen.putIfAbsent(host, i);
                if (other != null) {
                    errors.add(HOSTS.index(i), "\"" + host + "\" is already listed at " + HOSTS.index(other));
                }
            }
        }
    }

    private static void validateAddresses(List<String> addresses, ServiceEntryResolution resolution, FieldErrors errors) {
        for (int i = 0; i < addresses.size(); i++) {
            String address = addresses.get(i);
            if (!IpAddresses.isIpOrCidr(address)) {
                errors.add(ADDRESSES.index(i), "\"" + address + "\" is not a valid IP address or CIDR block");
            } else if (address.contains("/") && resolution != ServiceEntryResolution.NONE && resolution != ServiceEntryResolution.STATIC) {
                errors.add(ADDRESSES.index(i), "CIDR blocks are allowed only with resolution NONE or STATIC");
            }
        }
    }

    /** Checks the ports; returns the names declared, for checking endpoint port maps. */
    private static Set<String> validatePorts(List<ServicePort> ports, FieldErrors errors) {
        Map<String, Integer> names = new HashMap<>();
        Map<Long, Integer> numbers = new HashMap<>();
        for (int i = 0; i < ports.size(); i++) {
            ServicePort port = ports.get(i);
            FieldPath path = PORTS.index(i);
            if (port == null) {
                errors.add(path, "must not be null");
                continue;
            }
            String name = port.getName();
            if (name == null || name.isEmpty()) {
                errors.required(path.child("name"));
            } else if (!DnsNames.isLabel(name)) {
                errors.add(path.child("name"), "\"" + name + "\" is not a valid port name (lowercase letters, digits and '-', at most 63)");
            } else {
                Integer other = names.putIfAbsent(name, i);
                if (other != null) {
                    errors.add(path.child("name"), "\"" + name + "\" is already used by " + PORTS.index(other));
                }
            }
            if (port.getNumber() == null) {
                errors.required(path.child("number"));
            } else if (errors.checkPort(path.child("number"), port.getNumber())) {
                Integer other = numbers.putIfAbsent(port.getNumber(), i);
                if (other != null) {
                    errors.add(path.child("number"), port.getNumber() + " is already used by " + PORTS.index(other));
                }
            }
            if (port.getTargetPort() != null && port.getTargetPort() != 0) {
                errors.checkPort(path.child("targetPort"), port.getTargetPort());
            }
            String protocol = port.getProtocol();
            if (protocol != null && !protocol.isEmpty() && Protocol.parse(protocol) == Protocol.UNSUPPORTED) {
                errors.add(path.child("protocol"), "unknown protocol \"" + protocol + "\": want one of " + knownProtocols());
            }
        }
        return names.keySet();
    }

    private static void validateEndpoint(FieldPath path, WorkloadEntry endpoint, Set<String> portNames, int servicePorts,
                                         boolean dns, FieldErrors errors) {
        if (endpoint == null) {
            errors.add(path, "must not be null");
            return;
        }
        String address = endpoint.getAddress();
        Map<String, Long> ports = endpoint.getPorts() == null ? Map.of() : new TreeMap<>(endpoint.getPorts());
        if (address == null || address.isEmpty()) {
            errors.required(path.child("address"));
        } else if (address.startsWith(UNIX_ADDRESS_PREFIX)) {
            if (dns) {
                errors.add(path.child("address"), "unix:// addresses are allowed only with resolution STATIC");
            } else if (address.length() == UNIX_ADDRESS_PREFIX.length()) {
                errors.add(path.child("address"), "unix:// needs a socket path");
            }
            if (!ports.isEmpty()) {
                errors.add(path.child("ports"), "must be empty for a unix:// address");
            }
            if (servicePorts != 1) {
                errors.add(path.child("address"), "a unix:// endpoint needs exactly one port in spec.ports, found " + servicePorts);
            }
        } else if (!IpAddresses.isIp(address)) {
            if (!dns) {
                errors.add(path.child("address"), "\"" + address + "\" is not a valid IP address (resolution STATIC needs IPs or unix:// paths)");
            } else if (DnsNames.fqdnProblem(address).isPresent()) {
                errors.add(path.child("address"), "\"" + address + "\" is not a valid IP address or hostname");
            }
        }
        for (Map.Entry<String, Long> e : ports.entrySet()) {
            FieldPath portPath = path.child("ports").key(e.getKey());
            if (!portNames.contains(e.getKey())) {
                errors.add(portPath, "no port named \"" + e.getKey() + "\" in spec.ports");
            }
            if (e.getValue() == null) {
                errors.required(portPath);
            } else {
                errors.checkPort(portPath, e.getValue());
            }
        }
        Long weight = endpoint.getWeight();
        if (weight != null && (weight < 0 || weight > MAX_WEIGHT)) {
            errors.add(path.child("weight"), weight + " is out of range 0-" + MAX_WEIGHT);
        }
    }

    /** Istio's validateExportTo, where "~" (visible to no one else) is also allowed; traffic rules use it too. */
    public static void validateExportTo(List<String> exportTo, String namespace, FieldErrors errors) {
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < exportTo.size(); i++) {
            String entry = exportTo.get(i) == null ? "" : exportTo.get(i);
            String key = entry.equals(".") ? namespace : entry;
            String earlier = seen.putIfAbsent(key, entry);
            if (earlier != null) {
                errors.add(EXPORT_TO.index(i), earlier.equals(entry)
                        ? "duplicate entry \"" + entry + "\""
                        : "duplicate entry: \"" + earlier + "\" and \"" + entry + "\" both name namespace " + namespace);
            } else if (!entry.equals(".") && !entry.equals("*") && !entry.equals("~") && !DnsNames.isLabel(entry)) {
                errors.add(EXPORT_TO.index(i), "\"" + entry + "\" is not \".\", \"*\", \"~\" or a namespace name");
            }
        }
        if (exportTo.size() > 1 && exportTo.contains("*")) {
            errors.add(EXPORT_TO, "\"*\" cannot be combined with other entries");
        }
        if (exportTo.size() > 1 && exportTo.contains("~")) {
            errors.add(EXPORT_TO, "\"~\" cannot be combined with other entries");
        }
    }

    static String knownProtocols() {
        StringJoiner out = new StringJoiner(", ");
        for (Protocol p : Protocol.values()) {
            if (p != Protocol.UNSUPPORTED) {
                out.add(p.istioName());
            }
        }
        return out.toString();
    }

    private static String describe(String protocol) {
        return protocol == null || protocol.isEmpty() ? "no protocol" : protocol;
    }

    private static <T> List<T> listOf(List<T> list) {
        return list == null ? List.of() : new ArrayList<>(list);
    }
}
