package io.pilot4j.mesh;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Istio's ValidateMeshConfig, for the fields pilot4j reads. Runs on the merged result, as Istio does, so a bad
 * value is reported under the field the user wrote. Stops at the first problem.
 */
final class MeshConfigValidator {

    private static final Duration CONNECT_TIMEOUT_MIN = Duration.ofMillis(1);
    private static final Duration CONNECT_TIMEOUT_MAX = Duration.ofHours(1);
    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private MeshConfigValidator() {
    }

    static void validate(MeshConfig mesh) {
        port("proxyListenPort", mesh.proxyListenPort());
        port("proxyInboundListenPort", mesh.proxyInboundListenPort());
        connectTimeout(mesh.connectTimeout());
        millisecondPrecision("protocolDetectionTimeout", mesh.protocolDetectionTimeout());
        proxyConfig(mesh.defaultConfig());
        LocalityLbSettingValidator.validate("localityLbSetting", mesh.localityLbSetting());
        exportTo("defaultServiceExportTo", mesh.defaultServiceExportTo());
        exportTo("defaultVirtualServiceExportTo", mesh.defaultVirtualServiceExportTo());
        exportTo("defaultDestinationRuleExportTo", mesh.defaultDestinationRuleExportTo());
        trustDomain(mesh.trustDomain());
        discoverySelectors(mesh.discoverySelectors());
    }

    /** metav1.LabelSelectorAsSelector's rules, which Istio applies to discoverySelectors. */
    private static void discoverySelectors(List<LabelSelector> selectors) {
        for (int i = 0; i < selectors.size(); i++) {
            String path = "discoverySelectors[" + i + "]";
            for (String key : selectors.get(i).matchLabels().keySet()) {
                if (key.isEmpty()) {
                    throw new InvalidFieldException(path + ".matchLabels", "label keys must not be empty");
                }
            }
            List<LabelSelector.Requirement> expressions = selectors.get(i).matchExpressions();
            for (int j = 0; j < expressions.size(); j++) {
                String at = path + ".matchExpressions[" + j + "]";
                LabelSelector.Requirement r = expressions.get(j);
                if (r.key().isEmpty()) {
                    throw new InvalidFieldException(at + ".key", "must not be empty");
                }
                if (r.operator() == null) {
                    throw new InvalidFieldException(at + ".operator", "required: one of In, NotIn, Exists, DoesNotExist");
                }
                boolean set = r.operator() == LabelSelector.Operator.In || r.operator() == LabelSelector.Operator.NotIn;
                if (set && r.values().isEmpty()) {
                    throw new InvalidFieldException(at + ".values", "must not be empty for operator " + r.operator());
                }
                if (!set && !r.values().isEmpty()) {
                    throw new InvalidFieldException(at + ".values", "must be empty for operator " + r.operator());
                }
            }
        }
    }

    private static void proxyConfig(ProxyConfig proxy) {
        notEmpty("defaultConfig.configPath", proxy.configPath());
        notEmpty("defaultConfig.binaryPath", proxy.binaryPath());
        notEmpty("defaultConfig.serviceCluster", proxy.serviceCluster());
        drainDuration(proxy.drainDuration());
        discoveryAddress(proxy.discoveryAddress());
        port("defaultConfig.proxyAdminPort", proxy.proxyAdminPort());
        port("defaultConfig.statusPort", proxy.statusPort());
        notNegative("defaultConfig.statNameLength", proxy.statNameLength());
        notNegative("defaultConfig.concurrency", proxy.concurrency());
    }

    static void port(String path, int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidFieldException(path, port + " is out of range 1-65535");
        }
    }

    private static void notNegative(String path, int value) {
        if (value < 0) {
            throw new InvalidFieldException(path, value + " is negative; want 0 or more");
        }
    }

    private static void notEmpty(String path, String value) {
        if (value.isEmpty()) {
            throw new InvalidFieldException(path, "must not be empty");
        }
    }

    private static void connectTimeout(Duration timeout) {
        if (timeout.compareTo(CONNECT_TIMEOUT_MIN) < 0) {
            throw new InvalidFieldException("connectTimeout",
                    DurationText.format(timeout) + " is too short; want at least 1ms");
        }
        if (timeout.compareTo(CONNECT_TIMEOUT_MAX) > 0) {
            throw new InvalidFieldException("connectTimeout",
                    DurationText.format(timeout) + " is too long; want at most 1h");
        }
        millisecondPrecision("connectTimeout", timeout);
    }

    /** Envoy takes these in milliseconds; Istio refuses what would be silently rounded. */
    private static void millisecondPrecision(String path, Duration duration) {
        if (duration.getNano() % 1_000_000 != 0) {
            throw new InvalidFieldException(path,
                    DurationText.format(duration) + " is finer than a millisecond; want whole milliseconds");
        }
    }

    /** Envoy's --drain-time-s takes whole seconds. */
    private static void drainDuration(Duration drain) {
        if (drain.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidFieldException("defaultConfig.drainDuration",
                    DurationText.format(drain) + " is too short; want at least 1s");
        }
        if (drain.getNano() != 0) {
            throw new InvalidFieldException("defaultConfig.drainDuration",
                    DurationText.format(drain) + " is not whole seconds");
        }
    }

    private static void discoveryAddress(String address) {
        String path = "defaultConfig.discoveryAddress";
        notEmpty(path, address);
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? "" : address.substring(0, colon);
        String port = colon < 0 ? "" : address.substring(colon + 1);
        if (host.isEmpty() || !port.matches("[0-9]{1,5}")) {
            throw new InvalidFieldException(path,
                    "\"" + address + "\" is not host:port (e.g. \"istiod.istio-system.svc:15012\")");
        }
        if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
            throw new InvalidFieldException(path, "\"" + address + "\": put an IPv6 address in brackets, "
                    + "e.g. \"[::1]:15010\"");
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            throw new InvalidFieldException(path, "\"" + address + "\": port " + number + " is out of range 1-65535");
        }
    }

    private static void exportTo(String path, List<String> namespaces) {
        for (int i = 0; i < namespaces.size(); i++) {
            String namespace = namespaces.get(i);
            if (!namespace.equals("*") && !namespace.equals(".") && !namespace.equals("~")
                    && !DNS_1123_LABEL.matcher(namespace).matches()) {
                throw new InvalidFieldException(path + "[" + i + "]", "\"" + namespace
                        + "\" is not \"*\" (all), \".\" (own namespace), \"~\" (none) or a namespace name");
            }
        }
    }

    /** Dot-separated DNS-1123 labels; a trailing dot is allowed, as in Istio. */
    private static void trustDomain(String domain) {
        String[] labels = (domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain).split("\\.", -1);
        for (String label : labels) {
            if (!DNS_1123_LABEL.matcher(label).matches()) {
                throw new InvalidFieldException("trustDomain", "\"" + domain
                        + "\" is not a domain name of lower-case DNS labels, e.g. \"cluster.local\"");
            }
        }
    }
}
