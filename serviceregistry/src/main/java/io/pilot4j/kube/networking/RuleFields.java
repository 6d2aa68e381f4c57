package io.pilot4j.kube.networking;

import io.fabric8.istio.api.api.networking.v1alpha3.Percent;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchExact;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchPrefix;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchRegex;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.net.DnsNames;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.FieldPath;
import io.pilot4j.net.IpAddresses;
import io.pilot4j.kube.Metadata;
import io.pilot4j.mesh.DurationText;
import io.pilot4j.model.networking.ConfigMeta;
import io.pilot4j.model.networking.Destination;
import io.pilot4j.model.networking.StringMatch;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The field conversions every traffic rule shares, each reporting what is wrong with the field's path.
 */
final class RuleFields {
    private RuleFields() {
    }

    static ConfigMeta meta(HasMetadata object) {
        String created = object.getMetadata() == null ? null : object.getMetadata().getCreationTimestamp();
        Instant time = Instant.EPOCH;
        if (created != null && !created.isEmpty()) {
            try {
                time = Instant.parse(created);
            } catch (DateTimeParseException e) {
                // The API server always writes RFC 3339; a file may hold anything, and order then falls back to names.
            }
        }
        return new ConfigMeta(Metadata.namespace(object), Metadata.name(object), time);
    }

    /** Go/Istio duration syntax ("10s", "1.5s", "250ms", "1m"); empty when not set. */
    static Optional<Duration> duration(String text, FieldPath path, FieldErrors errors) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(DurationText.parse(text));
        } catch (IllegalArgumentException e) {
            errors.add(path, e.getMessage());
            return Optional.empty();
        }
    }

    /** Istio's ValidateDuration for timeouts: at least 1ms, in whole milliseconds. */
    static Optional<Duration> timeout(String text, FieldPath path, FieldErrors errors) {
        Optional<Duration> d = duration(text, path, errors);
        if (d.isPresent() && (d.get().compareTo(Duration.ofMillis(1)) < 0 || d.get().toNanos() % 1_000_000 != 0)) {
            errors.add(path, "\"" + text + "\" must be at least 1ms and in whole milliseconds");
            return Optional.empty();
        }
        return d;
    }

    static OptionalDouble percent(Percent p, FieldPath path, FieldErrors errors) {
        if (p == null) {
            return OptionalDouble.empty();
        }
        double v = p.getValue() == null ? 0 : p.getValue();
        if (v < 0 || v > 100 || Double.isNaN(v)) {
            errors.add(path.child("value"), v + " is out of range 0-100");
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(v);
    }

    /** The deprecated integer percentages ({@code percent}, {@code mirrorPercent}). */
    static OptionalDouble intPercent(Integer p, FieldPath path, FieldErrors errors) {
        if (p == null) {
            return OptionalDouble.empty();
        }
        if (p < 0 || p > 100) {
            errors.add(path, p + " is out of range 0-100");
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(p);
    }

    static Optional<StringMatch> stringMatch(io.fabric8.istio.api.api.networking.v1alpha3.StringMatch m, FieldPath path,
                                             FieldErrors errors) {
        if (m == null) {
            return Optional.empty();
        }
        Object type = m.getMatchType();
        if (type instanceof StringMatchExact e && e.getExact() != null) {
            return Optional.of(StringMatch.exact(e.getExact()));
        }
        if (type instanceof StringMatchPrefix p && p.getPrefix() != null) {
            return Optional.of(StringMatch.prefix(p.getPrefix()));
        }
        if (type instanceof StringMatchRegex r && r.getRegex() != null) {
            if (r.getRegex().isEmpty()) {
                errors.add(path.child("regex"), "must not be empty");
                return Optional.empty();
            }
            if (!regex(r.getRegex(), path.child("regex"), errors)) {
                return Optional.empty();
            }
            return Optional.of(StringMatch.regex(r.getRegex()));
        }
        errors.add(path, "one of exact, prefix or regex is required");
        return Optional.empty();
    }

    /**
     * Istio's validateStringRegexp: RE2 syntax, which Envoy, Istio (Go's regexp) and grpc-java (RE2/J) all use, so
     * that a regex Envoy would refuse, and with it the whole route configuration of its port, is refused here instead.
     * Java's own dialect differs both ways: it has lookaround and backreferences, and lacks {@code (?P<name>...)}.
     * Beyond the syntax, {@link Re2Limits} refuses what Envoy's RE2 would.
     */
    static boolean regex(String regex, FieldPath path, FieldErrors errors) {
        if (regex.length() > Re2Limits.MAX_LENGTH) {
            errors.add(path, "regex is too large: " + regex.length() + " characters, at most " + Re2Limits.MAX_LENGTH);
            return false;
        }
        try {
            com.google.re2j.Pattern.compile(regex);
        } catch (com.google.re2j.PatternSyntaxException e) {
            errors.add(path, "\"" + regex + "\" is not a valid RE2 regular expression: " + e.getDescription()
                    + (e.getPattern().isEmpty() ? "" : ": `" + e.getPattern() + "`")
                    + " (Envoy and Istio use RE2 syntax, https://github.com/google/re2/wiki/Syntax)");
            return false;
        }
        Optional<String> limit = Re2Limits.problem(regex);
        limit.ifPresent(problem -> errors.add(path, "\"" + regex + "\": " + problem));
        return limit.isEmpty();
    }

    static Map<String, StringMatch> stringMatches(Map<String, io.fabric8.istio.api.api.networking.v1alpha3.StringMatch> in,
                                                  FieldPath path, boolean lowercaseKeys, FieldErrors errors) {
        Map<String, StringMatch> out = new LinkedHashMap<>();
        for (var e : map(in).entrySet()) {
            FieldPath p = path.key(e.getKey());
            if (e.getKey().isEmpty()) {
                errors.add(p, "name must not be empty");
            } else if (lowercaseKeys && !e.getKey().equals(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
                errors.add(p, "header name \"" + e.getKey() + "\" must be lowercase");
            }
            stringMatch(e.getValue(), p, errors).ifPresent(m -> out.put(e.getKey(), m));
        }
        return out;
    }

    /**
     * A destination, its host expanded as Istio's ResolveShortnameToFQDN does: a name without a dot is a Kubernetes
     * service of the rule's namespace.
     */
    static Optional<Destination> destination(io.fabric8.istio.api.api.networking.v1alpha3.Destination d, FieldPath path,
                                             String namespace, String domainSuffix, FieldErrors errors) {
        if (d == null) {
            errors.required(path);
            return Optional.empty();
        }
        int before = errors.toList().size();
        String host = d.getHost();
        if (host == null || host.isEmpty()) {
            errors.required(path.child("host"));
        } else if (host.contains("*")) {
            errors.add(path.child("host"), "\"" + host + "\": a destination must be a single host, not a wildcard");
        } else if (!IpAddresses.isIp(host)) {
            DnsNames.fqdnProblem(host).ifPresent(problem -> errors.add(path.child("host"), problem));
        }
        String subset = d.getSubset() == null ? "" : d.getSubset();
        if (!subset.isEmpty() && !DnsNames.isLabel(subset)) {
            errors.add(path.child("subset"), "\"" + subset + "\" is not a valid subset name (lowercase letters, digits and '-')");
        }
        int port = 0;
        if (d.getPort() != null && d.getPort().getNumber() != null) {
            if (errors.checkPort(path.child("port").child("number"), d.getPort().getNumber())) {
                port = d.getPort().getNumber().intValue();
            }
        }
        if (errors.toList().size() != before) {
            return Optional.empty();
        }
        return Optional.of(new Destination(resolveHost(host, namespace, domainSuffix), subset, port));
    }

    /** Istio's ResolveShortnameToFQDN. */
    static String resolveHost(String host, String namespace, String domainSuffix) {
        if (host.equals("*") || host.contains(".") || IpAddresses.isIp(host)) {
            return host;
        }
        return host + "." + namespace + ".svc." + domainSuffix;
    }

    /**
     * Istio's resolveGatewayName for every entry of a VirtualService's (or match's) {@code gateways}: {@code mesh}
     * stays, {@code name} and {@code ./name} become {@code namespace/name}, the legacy {@code name.ns.svc...} form
     * becomes {@code ns/name}; {@code ns/name} is kept.
     */
    static List<String> gateways(List<String> gateways, String namespace) {
        List<String> out = new ArrayList<>();
        for (String g : list(gateways)) {
            out.add(g == null ? null : resolveGateway(g, namespace));
        }
        return out;
    }

    private static String resolveGateway(String gateway, String namespace) {
        if (gateway.equals(io.pilot4j.model.networking.VirtualService.MESH_GATEWAY)) {
            return gateway;
        }
        int slash = gateway.indexOf('/');
        if (slash >= 0) {
            return gateway.startsWith("./") ? namespace + gateway.substring(1) : gateway;
        }
        int dot = gateway.indexOf('.');
        if (dot < 0) {
            return namespace + "/" + gateway;
        }
        String rest = gateway.substring(dot + 1);
        int next = rest.indexOf('.');
        return (next < 0 ? rest : rest.substring(0, next)) + "/" + gateway.substring(0, dot);
    }

    /** Hosts of a VirtualService or DestinationRule: {@code *}, a wildcard domain, or a name. */
    static void checkHost(String host, FieldPath path, FieldErrors errors) {
        if (host == null || host.isEmpty()) {
            errors.required(path);
        } else if (!host.equals("*") && !IpAddresses.isIp(host)) {
            DnsNames.wildcardDomainProblem(host).ifPresent(problem -> errors.add(path, problem));
        }
    }

    static Map<String, String> labels(Map<String, String> labels) {
        return labels == null ? Map.of() : labels;
    }

    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : new ArrayList<>(list);
    }

    static <K, V> Map<K, V> map(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    static int intValue(Integer v) {
        return v == null ? 0 : v;
    }

    static int intValue(Long v) {
        return v == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(Integer.MIN_VALUE, v));
    }

    static void nonNegative(Integer v, FieldPath path, FieldErrors errors) {
        if (v != null && v < 0) {
            errors.add(path, v + " must not be negative");
        }
    }

    /** Unknown fields of a spec, each an error. */
    /**
     * The checks every rule starts with: a name, a spec, and no field the spec does not define. A conversion goes on
     * only with a spec; without one it returns {@code errors} as its result.
     */
    static FieldErrors opening(HasMetadata object, Object spec) {
        FieldErrors errors = new FieldErrors();
        Metadata.requireName(object, errors);
        if (spec == null) {
            errors.required(FieldPath.of("spec"));
        } else {
            unknownFields(spec, errors);
        }
        return errors;
    }

    static void unknownFields(Object spec, FieldErrors errors) {
        for (String field : UnknownFields.of(spec, "spec")) {
            errors.add(fieldPath(field), UnknownFields.message(field));
        }
    }

    private static FieldPath fieldPath(String text) {
        // FieldPath has no parser; the text is already in its printed form.
        return FieldPath.of(text);
    }
}
