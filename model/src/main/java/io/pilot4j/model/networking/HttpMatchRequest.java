package io.pilot4j.model.networking;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One match condition of an HTTP route (Istio's HTTPMatchRequest); every field that is set must match.
 *
 * @param name            appended to the route's name in Envoy's route name
 * @param uri             path match
 * @param scheme          :scheme match
 * @param method          :method match
 * @param authority       :authority (Host) match
 * @param headers         header name (lowercase) -> match, sorted by name
 * @param withoutHeaders  headers that must not match
 * @param queryParams     query parameter -> match
 * @param port            the port the request came to, 0 for any
 * @param sourceLabels    labels the calling workload must have
 * @param gateways        gateways this match is limited to ({@code mesh} for sidecars); empty means the rule's
 * @param sourceNamespace namespace the calling workload must be in, empty for any
 * @param ignoreUriCase   uri matching ignores case
 * @param statPrefix      the prefix of the route's stats in Envoy, empty for none
 */
public record HttpMatchRequest(String name, Optional<StringMatch> uri, Optional<StringMatch> scheme, Optional<StringMatch> method,
                               Optional<StringMatch> authority, Map<String, StringMatch> headers,
                               Map<String, StringMatch> withoutHeaders, Map<String, StringMatch> queryParams, int port,
                               Map<String, String> sourceLabels, List<String> gateways, String sourceNamespace,
                               boolean ignoreUriCase, String statPrefix) {
    public HttpMatchRequest {
        name = Objects.requireNonNullElse(name, "");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(authority, "authority");
        headers = sorted(headers);
        withoutHeaders = sorted(withoutHeaders);
        queryParams = sorted(queryParams);
        sourceLabels = Map.copyOf(sourceLabels);
        gateways = List.copyOf(gateways);
        sourceNamespace = Objects.requireNonNullElse(sourceNamespace, "");
        statPrefix = Objects.requireNonNullElse(statPrefix, "");
    }

    private static <V> Map<String, V> sorted(Map<String, V> map) {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(map));
    }
}
