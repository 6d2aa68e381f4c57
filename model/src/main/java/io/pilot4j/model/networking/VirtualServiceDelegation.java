package io.pilot4j.model.networking;

import io.pilot4j.model.ConfigError;
import io.pilot4j.model.ExportTo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Delegate VirtualServices (Istio's mergeVirtualServicesIfNeeded, pilot/pkg/model/virtualservice.go): a VirtualService
 * without hosts is a delegate, used only through a root VirtualService whose HTTP route names it in {@code delegate}.
 * That route is replaced by the delegate's routes, each narrowed by the root route's matches and filling what it
 * leaves unset from the root route. Delegates themselves route nothing.
 *
 * <p>As in Istio, a root route whose delegate does not exist or is not exported to the root's namespace is dropped,
 * and so is a delegate route whose matches conflict with every match of the root route (a path outside the root's
 * prefix, a different exact value, any regex against another condition). Istio only logs these; pilot4j reports them
 * with the root's name, since such a route silently disappears.
 */
public final class VirtualServiceDelegation {

    /** @param virtualServices the rules as sidecars and gateways use them: roots merged, delegates removed */
    public record Resolved(List<VirtualService> virtualServices, List<ConfigError> errors) {
        public Resolved {
            virtualServices = List.copyOf(virtualServices);
            errors = List.copyOf(errors);
        }
    }

    private VirtualServiceDelegation() {
    }

    /** @param defaultExportTo the mesh's defaultVirtualServiceExportTo, for delegates that set no exportTo */
    public static Resolved resolve(List<VirtualService> all, List<String> defaultExportTo) {
        Map<String, VirtualService> delegates = new LinkedHashMap<>();
        boolean anyRoot = false;
        for (VirtualService vs : all) {
            if (isDelegate(vs)) {
                delegates.put(vs.meta().toString(), vs);
            } else {
                anyRoot |= isRoot(vs);
            }
        }
        if (delegates.isEmpty() && !anyRoot) {
            return new Resolved(all, List.of());
        }
        List<VirtualService> out = new ArrayList<>(all.size());
        List<ConfigError> errors = new ArrayList<>();
        for (VirtualService vs : all) {
            if (isDelegate(vs)) {
                continue;
            }
            out.add(isRoot(vs) ? merged(vs, delegates, defaultExportTo, errors) : vs);
        }
        return new Resolved(out, errors);
    }

    /** A VirtualService without hosts: only reachable through a root's {@code delegate}. */
    public static boolean isDelegate(VirtualService vs) {
        return vs.hosts().isEmpty();
    }

    private static boolean isRoot(VirtualService vs) {
        return vs.http().stream().anyMatch(r -> r.delegate().isPresent());
    }

    private static VirtualService merged(VirtualService root, Map<String, VirtualService> delegates, List<String> defaultExportTo,
                                         List<ConfigError> errors) {
        List<HttpRoute> routes = new ArrayList<>();
        for (int i = 0; i < root.http().size(); i++) {
            HttpRoute route = root.http().get(i);
            if (route.delegate().isEmpty()) {
                routes.add(route);
                continue;
            }
            HttpRoute.Delegate d = route.delegate().get();
            String namespace = d.namespace().isEmpty() ? root.meta().namespace() : d.namespace();
            String field = "spec.http[" + i + "].delegate";
            VirtualService delegate = delegates.get(namespace + "/" + d.name());
            if (delegate == null) {
                errors.add(error(root, field + ": VirtualService " + namespace + "/" + d.name()
                        + " is not a delegate (a VirtualService without hosts) that exists; the route is dropped"));
                continue;
            }
            List<String> exportTo = delegate.exportTo().isEmpty() ? defaultExportTo : delegate.exportTo();
            if (!ExportTo.visible(exportTo, namespace, root.meta().namespace())) {
                errors.add(error(root, field + ": delegate VirtualService " + delegate.meta() + " is not exported to namespace "
                        + root.meta().namespace() + "; the route is dropped"));
                continue;
            }
            for (int j = 0; j < delegate.http().size(); j++) {
                Optional<HttpRoute> merged = merge(route, delegate.http().get(j));
                if (merged.isPresent()) {
                    routes.add(merged.get());
                } else {
                    errors.add(error(root, field + ": route http[" + j + "] of delegate " + delegate.meta()
                            + " matches nothing that " + "spec.http[" + i + "].match allows; that route is dropped"));
                }
            }
        }
        return new VirtualService(root.meta(), root.hosts(), root.gateways(), root.exportTo(), routes, root.tcp(), root.tls());
    }

    private static ConfigError error(VirtualService root, String message) {
        return new ConfigError(RuleAnalysis.SOURCE, -1, "VirtualService", root.meta().namespace(), root.meta().name(), message);
    }

    /** Istio's mergeHTTPRoute: the delegate's route under the root's matches, unset parts taken from the root route. */
    static Optional<HttpRoute> merge(HttpRoute root, HttpRoute delegate) {
        Optional<List<HttpMatchRequest>> match = mergeMatches(root.match(), delegate.match());
        if (match.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new HttpRoute(joinNames(root.name(), delegate.name()), match.get(), delegate.route(),
                delegate.redirect(), delegate.directResponse().or(root::directResponse), Optional.empty(),
                delegate.rewrite().or(root::rewrite), delegate.timeout().or(root::timeout), delegate.retries().or(root::retries),
                delegate.fault().or(root::fault), delegate.mirrors().isEmpty() ? root.mirrors() : delegate.mirrors(),
                delegate.corsPolicy().or(root::corsPolicy), delegate.headers().equals(Headers.NONE) ? root.headers() : delegate.headers()));
    }

    /** Every delegate match must fit at least one root match; each fitting pair becomes one match. Empty: conflict. */
    private static Optional<List<HttpMatchRequest>> mergeMatches(List<HttpMatchRequest> root, List<HttpMatchRequest> delegate) {
        if (root.isEmpty()) {
            return Optional.of(delegate);
        }
        if (delegate.isEmpty()) {
            return Optional.of(root);
        }
        List<HttpMatchRequest> out = new ArrayList<>();
        for (HttpMatchRequest leaf : delegate) {
            boolean found = false;
            for (HttpMatchRequest r : root) {
                if (!conflicts(r, leaf)) {
                    out.add(merge(r, leaf));
                    found = true;
                }
            }
            if (!found) {
                return Optional.empty();
            }
        }
        return Optional.of(out);
    }

    private static HttpMatchRequest merge(HttpMatchRequest root, HttpMatchRequest leaf) {
        return new HttpMatchRequest(joinNames(root.name(), leaf.name()), leaf.uri().or(root::uri), leaf.scheme().or(root::scheme),
                leaf.method().or(root::method), leaf.authority().or(root::authority), union(root.headers(), leaf.headers()),
                union(root.withoutHeaders(), leaf.withoutHeaders()), union(root.queryParams(), leaf.queryParams()),
                leaf.port() != 0 ? leaf.port() : root.port(), union(root.sourceLabels(), leaf.sourceLabels()),
                leaf.gateways().isEmpty() ? root.gateways() : leaf.gateways(),
                leaf.sourceNamespace().isEmpty() ? root.sourceNamespace() : leaf.sourceNamespace(), leaf.ignoreUriCase(),
                leaf.statPrefix().isEmpty() ? root.statPrefix() : leaf.statPrefix());
    }

    private static String joinNames(String root, String leaf) {
        if (leaf.isEmpty()) {
            return root;
        }
        return root.isEmpty() ? leaf : root + "-" + leaf;
    }

    /** The root's entries with the leaf's on top. */
    private static <V> Map<String, V> union(Map<String, V> root, Map<String, V> leaf) {
        Map<String, V> out = new TreeMap<>(root);
        out.putAll(leaf);
        return out;
    }

    /** Istio's hasConflict: whether {@code leaf} asks for something {@code root} excludes. */
    static boolean conflicts(HttpMatchRequest root, HttpMatchRequest leaf) {
        if (conflicts(root.uri(), leaf.uri()) || conflicts(root.scheme(), leaf.scheme())
                || conflicts(root.method(), leaf.method()) || conflicts(root.authority(), leaf.authority())) {
            return true;
        }
        if (conflicts(root.headers(), leaf.headers()) || conflicts(root.withoutHeaders(), leaf.withoutHeaders())
                || conflicts(root.queryParams(), leaf.queryParams())) {
            return true;
        }
        if (root.ignoreUriCase() != leaf.ignoreUriCase()) {
            return true;
        }
        if (root.port() > 0 && leaf.port() > 0 && root.port() != leaf.port()) {
            return true;
        }
        if (!root.sourceNamespace().isEmpty() && !leaf.sourceNamespace().equals(root.sourceNamespace())) {
            return true;
        }
        for (Map.Entry<String, String> e : leaf.sourceLabels().entrySet()) {
            String value = root.sourceLabels().get(e.getKey());
            if (value != null && !value.equals(e.getValue())) {
                return true;
            }
        }
        // The root's gateways must include every one the leaf names.
        return !root.gateways().isEmpty() && !leaf.gateways().isEmpty() && !new HashSet<>(root.gateways()).containsAll(leaf.gateways());
    }

    private static boolean conflicts(Map<String, StringMatch> root, Map<String, StringMatch> leaf) {
        for (Map.Entry<String, StringMatch> e : leaf.entrySet()) {
            if (conflicts(Optional.ofNullable(root.get(e.getKey())), Optional.of(e.getValue()))) {
                return true;
            }
        }
        return false;
    }

    /** Istio's stringMatchConflict: a leaf must match a subset of what the root matches; regexes cannot be compared. */
    private static boolean conflicts(Optional<StringMatch> rootMatch, Optional<StringMatch> leafMatch) {
        if (rootMatch.isEmpty() || leafMatch.isEmpty()) {
            return false;
        }
        StringMatch root = rootMatch.get();
        StringMatch leaf = leafMatch.get();
        if (root.type() == StringMatch.Type.REGEX || leaf.type() == StringMatch.Type.REGEX) {
            return true;
        }
        if (root.type() == StringMatch.Type.EXACT) {
            return leaf.type() != StringMatch.Type.EXACT || !leaf.value().equals(root.value());
        }
        return !leaf.value().startsWith(root.value());
    }
}
