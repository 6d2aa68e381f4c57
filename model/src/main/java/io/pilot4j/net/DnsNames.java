package io.pilot4j.net;

import java.util.Optional;
import java.util.regex.Pattern;

/** DNS-1123 names as Istio validates hosts and port names (pkg/config/labels, pkg/config/validation/agent). */
public final class DnsNames {
    private static final String LABEL = "[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?";
    private static final Pattern LABEL_PATTERN = Pattern.compile(LABEL);
    /** "*", or a label with a leading "*" or "*-": Istio allows wildcards only in the first label. */
    private static final Pattern WILDCARD_LABEL_PATTERN = Pattern.compile("\\*|(?:\\*|\\*-)?" + LABEL);
    private static final int MAX_LABEL = 63;
    private static final int MAX_NAME = 255;

    private DnsNames() {
    }

    public static boolean isLabel(String s) {
        return s != null && s.length() <= MAX_LABEL && LABEL_PATTERN.matcher(s).matches();
    }

    /** Why {@code name} is not a fully qualified domain name, or empty if it is one. */
    public static Optional<String> fqdnProblem(String name) {
        Optional<String> pre = preconditions(name);
        return pre.isPresent() ? pre : labelsProblem(name, name);
    }

    /** Why {@code name} is not a domain name with an optional wildcard first label ("*.example.com"), or empty. */
    public static Optional<String> wildcardDomainProblem(String name) {
        Optional<String> pre = preconditions(name);
        if (pre.isPresent()) {
            return pre;
        }
        int dot = name.indexOf('.');
        String first = dot < 0 ? name : name.substring(0, dot);
        if (first.length() > MAX_LABEL || !WILDCARD_LABEL_PATTERN.matcher(first).matches()) {
            return Optional.of("domain name \"" + name + "\" is invalid (label \"" + first + "\" is invalid)");
        }
        return dot < 0 ? Optional.empty() : labelsProblem(name, name.substring(dot + 1));
    }

    public static boolean isWildcard(String host) {
        return host.startsWith("*");
    }

    private static Optional<String> preconditions(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("empty domain name not allowed");
        }
        if (name.length() > MAX_NAME) {
            return Optional.of("domain name is too long (max " + MAX_NAME + ")");
        }
        return Optional.empty();
    }

    private static Optional<String> labelsProblem(String full, String domain) {
        String[] parts = domain.split("\\.", -1);
        String top = parts[parts.length - 1];
        if (top.matches("\\d+")) {
            return Optional.of("domain name \"" + full + "\" is invalid (top level domain \"" + top + "\" cannot be all-numeric)");
        }
        for (int i = 0; i < parts.length; i++) {
            // A trailing dot ("istio.io.") is an unambiguous absolute name, allowed.
            if (i == parts.length - 1 && parts[i].isEmpty()) {
                break;
            }
            if (!isLabel(parts[i])) {
                return Optional.of("domain name \"" + full + "\" is invalid (label \"" + parts[i] + "\" is invalid)");
            }
        }
        return Optional.empty();
    }
}
