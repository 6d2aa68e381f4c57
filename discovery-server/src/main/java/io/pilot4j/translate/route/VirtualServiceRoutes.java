package io.pilot4j.translate.route;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.SubsetKey;
import io.pilot4j.model.networking.Destination;
import io.pilot4j.model.networking.GrpcCode;
import io.pilot4j.model.networking.Headers;
import io.pilot4j.model.networking.HttpFault;
import io.pilot4j.model.networking.HttpMatchRequest;
import io.pilot4j.model.networking.HttpMirrorPolicy;
import io.pilot4j.model.networking.HttpRedirect;
import io.pilot4j.model.networking.HttpRetry;
import io.pilot4j.model.networking.HttpRoute;
import io.pilot4j.model.networking.HttpRouteDestination;
import io.pilot4j.model.networking.LoadBalancerSettings;
import io.pilot4j.model.networking.StringMatch;
import io.pilot4j.model.networking.VirtualService;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.listener.HttpFilters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A VirtualService's HTTP routes as Envoy routes for one port (Istio's BuildHTTPRoutesForVirtualService and
 * translateRoute in pilot/pkg/networking/core/route/route.go): one Envoy route per match condition, in order, so the
 * first match wins; weighted clusters to {@code outbound|PORT|SUBSET|HOST}; timeout, retries, fault, rewrite,
 * redirect, header operations, mirrors and CORS.
 *
 * <p>Proxyless gRPC gets the same routes, in the form grpc-java reads: the timeout as max_stream_duration, no CORS
 * (grpc-java rejects a route config whose per-route filter it does not know), and a redirect or direct response,
 * which grpc-java also rejects, as an abort with its status. Delegate routes never get here: {@code RuleIndex} has merged them into their
 * roots; one whose delegate could not be found is left out, as in Istio.
 */
public final class VirtualServiceRoutes {
    private VirtualServiceRoutes() {
    }

    /**
     * The routes a sidecar or proxyless gRPC client (the {@code mesh} gateway) gets.
     *
     * @param service the service whose virtual host this is
     * @param port    the route config's port
     */
    public static List<Route> build(ProxyView proxy, PushContext push, VirtualService vs, Service service, int port) {
        return build(proxy, push, vs, port, VirtualService.MESH_GATEWAY, service);
    }

    /**
     * The routes for one gateway: {@code mesh} for sidecars, else a Gateway's {@code namespace/name}, against which
     * the matches' own {@code gateways} are evaluated (Istio's BuildHTTPRoutesForVirtualService with its gateway set).
     *
     * @param port the port the routes serve: the sidecar's route config port, or the gateway server's port
     */
    public static List<Route> build(ProxyView proxy, PushContext push, VirtualService vs, int port, String gateway) {
        return build(proxy, push, vs, port, gateway, null);
    }

    /** @param service the service whose virtual host this is, for a sidecar or gRPC client; null for a gateway */
    private static List<Route> build(ProxyView proxy, PushContext push, VirtualService vs, int port, String gateway, Service service) {
        List<Route> out = new ArrayList<>();
        for (HttpRoute http : vs.http()) {
            if (http.delegate().isPresent()) {
                continue;
            }
            if (http.match().isEmpty()) {
                out.add(route(proxy, push, vs, http, null, port, service));
                continue;
            }
            for (HttpMatchRequest match : http.match()) {
                if (applies(match, proxy, port, gateway)) {
                    out.add(route(proxy, push, vs, http, match, port, service));
                }
            }
        }
        return out;
    }

    /** Match conditions that depend on the proxy or port rather than the request decide whether the route exists. */
    private static boolean applies(HttpMatchRequest match, ProxyView proxy, int port, String gateway) {
        if (match.port() != 0 && match.port() != port) {
            return false;
        }
        // A match without gateways takes the VirtualService's, which already brought it here.
        if (!match.gateways().isEmpty() && !match.gateways().contains(gateway)) {
            return false;
        }
        if (!match.sourceNamespace().isEmpty() && !match.sourceNamespace().equals(proxy.namespace())) {
            return false;
        }
        return proxy.labels().entrySet().containsAll(match.sourceLabels().entrySet());
    }

    private static Route route(ProxyView proxy, PushContext push, VirtualService vs, HttpRoute http, HttpMatchRequest match,
                               int port, Service service) {
        String name = http.name();
        if (match != null && !match.name().isEmpty()) {
            name = name + "." + match.name();
        }
        Route.Builder out = Route.newBuilder().setName(name).setMatch(match(match));
        if (match != null && !match.statPrefix().isEmpty()) {
            out.setStatPrefix(match.statPrefix());
        }
        if (proxy.isProxylessGrpc() && service != null && (http.redirect().isPresent() || http.directResponse().isPresent())) {
            return answeredByFault(out, http, SubsetKey.outbound(service.hostname(), port).toString());
        }
        if (http.redirect().isPresent()) {
            out.setRedirect(redirect(http.redirect().get(), port));
        } else if (http.directResponse().isPresent()) {
            out.setDirectResponse(directResponse(http.directResponse().get()));
        } else {
            routeAction(out, proxy, push, vs, http, port);
        }
        http.fault().flatMap(VirtualServiceRoutes::fault)
                .ifPresent(f -> out.putTypedPerFilterConfig(HttpFilters.FAULT, Any.pack(f)));
        if (!proxy.isProxylessGrpc()) {
            http.corsPolicy().ifPresent(c -> out.putTypedPerFilterConfig(HttpFilters.CORS, Any.pack(cors(c))));
            out.setDecorator(Decorator.newBuilder().setOperation(operation(out, vs, port)));
        }
        return out.build();
    }

    private static void routeAction(Route.Builder out, ProxyView proxy, PushContext push, VirtualService vs, HttpRoute http, int port) {
        RouteAction.Builder action = RouteAction.newBuilder();
        setTimeout(action, http.timeout(), proxy);
        // The route's header operations, then (below) those of its single destination, as Istio orders them.
        Headers.Operations request = http.headers().request();
        Headers.Operations response = http.headers().response();
        out.addAllRequestHeadersToAdd(headerOptions(request));
        out.addAllRequestHeadersToRemove(request.remove());
        out.addAllResponseHeadersToAdd(headerOptions(response));
        out.addAllResponseHeadersToRemove(response.remove());
        String authority = "";
        if (http.rewrite().isPresent()) {
            var rewrite = http.rewrite().get();
            if (rewrite.uriRegexRewrite().isPresent()) {
                action.setRegexRewrite(RegexMatchAndSubstitute.newBuilder()
                        .setPattern(RegexMatcher.newBuilder().setRegex(rewrite.uriRegexRewrite().get().match()))
                        .setSubstitution(rewrite.uriRegexRewrite().get().rewrite()));
            } else if (!rewrite.uri().isEmpty()) {
                action.setPrefixRewrite(rewrite.uri());
            }
            authority = rewrite.authority();
        }
        String headerAuthority = authorityOf(http.headers().request());
        if (authority.isEmpty()) {
            authority = headerAuthority;
        }
        if (!authority.isEmpty()) {
            action.setHostRewriteLiteral(authority);
        }

        Optional<RouteAction.HashPolicy> hash = Optional.empty();
        List<WeightedCluster.ClusterWeight> weighted = new ArrayList<>();
        for (HttpRouteDestination d : http.route()) {
            int weight = d.weight();
            if (weight == 0) {
                // A 0 share next to others gets no traffic; a single destination takes all.
                if (http.route().size() > 1) {
                    continue;
                }
                weight = 100;
            }
            WeightedCluster.ClusterWeight.Builder cw = WeightedCluster.ClusterWeight.newBuilder()
                    .setName(cluster(push, d.destination(), port))
                    .setWeight(UInt32Value.of(weight));
            cw.addAllRequestHeadersToAdd(headerOptions(d.headers().request()))
                    .addAllRequestHeadersToRemove(d.headers().request().remove())
                    .addAllResponseHeadersToAdd(headerOptions(d.headers().response()))
                    .addAllResponseHeadersToRemove(d.headers().response().remove());
            String destinationAuthority = authorityOf(d.headers().request());
            if (!destinationAuthority.isEmpty()) {
                cw.setHostRewriteLiteral(destinationAuthority);
            }
            weighted.add(cw.build());
            if (hash.isEmpty()) {
                hash = hashPolicy(proxy, push, d.destination(), port);
            }
        }
        if (weighted.size() == 1) {
            WeightedCluster.ClusterWeight only = weighted.get(0);
            action.setCluster(only.getName());
            out.addAllRequestHeadersToAdd(only.getRequestHeadersToAddList())
                    .addAllRequestHeadersToRemove(only.getRequestHeadersToRemoveList())
                    .addAllResponseHeadersToAdd(only.getResponseHeadersToAddList())
                    .addAllResponseHeadersToRemove(only.getResponseHeadersToRemoveList());
            if (!only.getHostRewriteLiteral().isEmpty() && action.getHostRewriteLiteral().isEmpty()) {
                action.setHostRewriteLiteral(only.getHostRewriteLiteral());
            }
        } else {
            action.setWeightedClusters(WeightedCluster.newBuilder().addAllClusters(weighted));
        }
        hash.ifPresent(action::addHashPolicy);
        retryPolicy(http.retries(), hash.isPresent()).ifPresent(action::setRetryPolicy);
        for (HttpMirrorPolicy mirror : http.mirrors()) {
            mirrorFraction(mirror.percentage()).ifPresent(fraction -> action.addRequestMirrorPolicies(
                    RouteAction.RequestMirrorPolicy.newBuilder()
                            .setCluster(cluster(push, mirror.destination(), port))
                            .setRuntimeFraction(fraction)
                            .setTraceSampled(BoolValue.of(false))));
        }
        out.setRoute(action);
    }

    /** Istio's setTimeout: no timeout unless the VirtualService gives one; gRPC clients read max_stream_duration. */
    @SuppressWarnings("deprecation") // max_grpc_timeout, as in DefaultRoute
    private static void setTimeout(RouteAction.Builder action, Optional<Duration> timeout, ProxyView proxy) {
        com.google.protobuf.Duration d = timeout.map(t -> Durations.fromNanos(t.toNanos())).orElse(Durations.ZERO);
        action.setTimeout(d);
        if (proxy.isProxylessGrpc()) {
            action.setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(d));
        } else {
            action.setMaxGrpcTimeout(d);
        }
    }

    /**
     * Istio's GetDestinationCluster: the destination's port, else the single port of its service, else the route's
     * own port.
     */
    public static String cluster(PushContext push, Destination d, int port) {
        int p = d.port();
        if (p == 0) {
            Optional<Service> s = push.service(d.host());
            p = s.isPresent() && s.get().ports().size() == 1 ? s.get().ports().get(0).port() : port;
        }
        return new SubsetKey(SubsetKey.Direction.OUTBOUND, p, d.subset(), d.host()).toString();
    }

    /** The consistent hash of the destination's DestinationRule (for its subset and port) as a route hash policy. */
    private static Optional<RouteAction.HashPolicy> hashPolicy(ProxyView proxy, PushContext push, Destination d, int port) {
        Optional<Service> service = push.service(d.host());
        if (service.isEmpty()) {
            return Optional.empty();
        }
        int p = d.port() != 0 ? d.port() : service.get().ports().size() == 1 ? service.get().ports().get(0).port() : port;
        return push.destinationRule(proxy.namespace(), proxy.labels(), service.get())
                .flatMap(dr -> dr.policyFor(d.subset(), p).loadBalancer())
                .flatMap(LoadBalancerSettings::consistentHash)
                .flatMap(VirtualServiceRoutes::hashPolicy);
    }

    static Optional<RouteAction.HashPolicy> hashPolicy(LoadBalancerSettings.ConsistentHash hash) {
        RouteAction.HashPolicy.Builder out = RouteAction.HashPolicy.newBuilder();
        switch (hash.key()) {
            case HTTP_HEADER_NAME -> out.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(hash.name()));
            case HTTP_COOKIE -> {
                RouteAction.HashPolicy.Cookie.Builder cookie = RouteAction.HashPolicy.Cookie.newBuilder().setName(hash.name()).setPath(hash.cookiePath());
                hash.cookieTtl().ifPresent(ttl -> cookie.setTtl(Durations.fromNanos(ttl.toNanos())));
                hash.cookieAttributes().forEach(a -> cookie.addAttributes(
                        RouteAction.HashPolicy.CookieAttribute.newBuilder().setName(a.name()).setValue(a.value())));
                out.setCookie(cookie);
            }
            case USE_SOURCE_IP -> out.setConnectionProperties(RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true));
            case HTTP_QUERY_PARAMETER_NAME -> out.setQueryParameter(RouteAction.HashPolicy.QueryParameter.newBuilder().setName(hash.name()));
        }
        return Optional.of(out.build());
    }

    /**
     * Istio's retry.ConvertPolicy: absent means Istio's default policy, 0 attempts means none; numbers in retryOn are
     * status codes (which need retriable-status-codes); a consistent hash drops the "other host" predicate so a
     * retry keeps its affinity, unless retryIgnorePreviousHosts says otherwise; retryRemoteLocalities retries in
     * other priorities (localities) than those tried, Envoy's previous_priorities.
     */
    static Optional<RetryPolicy> retryPolicy(Optional<HttpRetry> retries, boolean consistentHash) {
        RetryPolicy.Builder policy = DefaultRoute.RETRY.toBuilder();
        if (consistentHash) {
            policy.clearRetryHostPredicate();
        }
        if (retries.isEmpty()) {
            return Optional.of(policy.build());
        }
        HttpRetry r = retries.get();
        if (r.attempts() == 0) {
            return Optional.empty();
        }
        policy.setNumRetries(UInt32Value.of(r.attempts()));
        if (!r.retryOn().isEmpty()) {
            List<String> conditions = new ArrayList<>();
            policy.clearRetriableStatusCodes();
            for (String part : r.retryOn().split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                if (p.chars().allMatch(Character::isDigit)) {
                    policy.addRetriableStatusCodes(Integer.parseInt(p));
                } else {
                    conditions.add(p);
                }
            }
            String retryOn = String.join(",", conditions);
            if (policy.getRetriableStatusCodesCount() > 0 && !retryOn.contains("retriable-status-codes")) {
                retryOn = retryOn.isEmpty() ? "retriable-status-codes" : retryOn + ",retriable-status-codes";
            }
            policy.setRetryOn(retryOn);
        }
        r.perTryTimeout().ifPresent(d -> policy.setPerTryTimeout(Durations.fromNanos(d.toNanos())));
        r.backoff().ifPresent(d -> policy.setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder()
                .setBaseInterval(Durations.fromNanos(d.toNanos()))));
        // Said explicitly, it wins over the consistent hash's default, either way.
        r.retryIgnorePreviousHosts().ifPresent(ignore -> {
            policy.clearRetryHostPredicate();
            if (ignore) {
                policy.addAllRetryHostPredicate(DefaultRoute.RETRY.getRetryHostPredicateList());
            }
        });
        if (r.retryRemoteLocalities().orElse(false)) {
            policy.setRetryPriority(RetryPolicy.RetryPriority.newBuilder()
                    .setName("envoy.retry_priorities.previous_priorities")
                    .setTypedConfig(Any.pack(PreviousPrioritiesConfig.newBuilder().setUpdateFrequency(2).build())));
        }
        return Optional.of(policy.build());
    }

    static RouteMatch match(HttpMatchRequest match) {
        RouteMatch.Builder out = RouteMatch.newBuilder();
        if (match == null || match.uri().isEmpty()) {
            out.setPrefix("/");
        } else {
            StringMatch uri = match.uri().get();
            switch (uri.type()) {
                case EXACT -> out.setPath(uri.value());
                case PREFIX -> out.setPrefix(uri.value());
                case REGEX -> out.setSafeRegex(RegexMatcher.newBuilder().setRegex(uri.value()));
            }
        }
        if (match == null) {
            return out.build();
        }
        if (match.ignoreUriCase()) {
            out.setCaseSensitive(BoolValue.of(false));
        }
        List<HeaderMatcher> headers = new ArrayList<>();
        match.method().ifPresent(m -> headers.add(header(":method", m, false)));
        match.authority().ifPresent(m -> headers.add(header(":authority", m, false)));
        match.scheme().ifPresent(m -> headers.add(header(":scheme", m, false)));
        match.headers().forEach((name, m) -> headers.add(header(name, m, false)));
        match.withoutHeaders().forEach((name, m) -> headers.add(header(name, m, true)));
        // Istio sorts the header matchers by name so the route is the same whatever the map order.
        headers.sort(java.util.Comparator.comparing(HeaderMatcher::getName));
        out.addAllHeaders(headers);
        for (Map.Entry<String, StringMatch> q : match.queryParams().entrySet()) {
            QueryParameterMatcher.Builder m = QueryParameterMatcher.newBuilder().setName(q.getKey());
            if (isCatchAll(q.getValue())) {
                m.setPresentMatch(true);
            } else {
                m.setStringMatch(stringMatcher(q.getValue()));
            }
            out.addQueryParameters(m);
        }
        return out.build();
    }

    private static HeaderMatcher header(String name, StringMatch m, boolean invert) {
        HeaderMatcher.Builder out = HeaderMatcher.newBuilder().setName(name);
        if (isCatchAll(m)) {
            out.setPresentMatch(true);
        } else {
            out.setStringMatch(stringMatcher(m));
        }
        if (invert) {
            out.setInvertMatch(true);
        }
        return out.build();
    }

    /** Istio's IsCatchAllStringMatch: an empty prefix, or the regex {@code *} / {@code .*}, only asks for presence. */
    private static boolean isCatchAll(StringMatch m) {
        return (m.type() == StringMatch.Type.PREFIX && m.value().isEmpty())
                || (m.type() == StringMatch.Type.REGEX && (m.value().equals("*") || m.value().equals(".*")));
    }

    static StringMatcher stringMatcher(StringMatch m) {
        return switch (m.type()) {
            case EXACT -> StringMatcher.newBuilder().setExact(m.value()).build();
            case PREFIX -> StringMatcher.newBuilder().setPrefix(m.value()).build();
            case REGEX -> StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(m.value())).build();
        };
    }

    /** Istio's redirect: {@code derivePort: FROM_REQUEST_PORT} keeps the port the request came to. */
    private static RedirectAction redirect(HttpRedirect r, int port) {
        RedirectAction.Builder out = RedirectAction.newBuilder().setHostRedirect(r.authority());
        if (!r.uri().isEmpty()) {
            out.setPathRedirect(r.uri());
        }
        if (!r.scheme().isEmpty()) {
            out.setSchemeRedirect(r.scheme());
        }
        if (r.port() != 0) {
            out.setPortRedirect(r.port());
        } else if (r.derivePort().equals("FROM_REQUEST_PORT")) {
            out.setPortRedirect(port);
        }
        out.setResponseCode(switch (r.redirectCode()) {
            case 302 -> RedirectAction.RedirectResponseCode.FOUND;
            case 303 -> RedirectAction.RedirectResponseCode.SEE_OTHER;
            case 307 -> RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT;
            case 308 -> RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT;
            default -> RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY;
        });
        return out.build();
    }

    /**
     * A redirect or direct response for a gRPC client. grpc-java rejects a route config holding either, and with it
     * every route of the service, while leaving the route out would let its calls fall through to the next route.
     * So the calls fail as the answer would fail them: a certain abort with the route's HTTP status, which grpc-java
     * maps to a gRPC code as for a server answering it (403 PERMISSION_DENIED, 503 UNAVAILABLE, a redirect UNKNOWN),
     * before its action, to the service's own cluster, is ever taken.
     */
    private static Route answeredByFault(Route.Builder out, HttpRoute http, String cluster) {
        int status = http.directResponse().map(HttpRoute.DirectResponse::status)
                .orElseGet(() -> http.redirect().get().redirectCode() == 0 ? 301 : http.redirect().get().redirectCode());
        HTTPFault abort = HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder().setHttpStatus(status)
                .setPercentage(FractionalPercent.newBuilder().setNumerator(100).setDenominator(FractionalPercent.DenominatorType.HUNDRED)))
                .build();
        return out.setRoute(RouteAction.newBuilder().setCluster(cluster))
                .putTypedPerFilterConfig(HttpFilters.FAULT, Any.pack(abort))
                .build();
    }

    /** Istio's applyDirectResponse: the status, and the body inline as text or bytes. */
    private static io.envoyproxy.envoy.config.route.v3.DirectResponseAction directResponse(HttpRoute.DirectResponse d) {
        var out = io.envoyproxy.envoy.config.route.v3.DirectResponseAction.newBuilder().setStatus(d.status());
        if (d.base64()) {
            out.setBody(io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder()
                    .setInlineBytes(com.google.protobuf.ByteString.copyFrom(java.util.Base64.getDecoder().decode(d.body()))));
        } else if (!d.body().isEmpty()) {
            out.setBody(io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder().setInlineString(d.body()));
        }
        return out.build();
    }

    /** Istio's translateFault (conversions reject an exponential delay and an HTTP/2 error abort, as Istio's validation does). */
    static Optional<HTTPFault> fault(HttpFault f) {
        HTTPFault.Builder out = HTTPFault.newBuilder();
        if (f.delay().isPresent() && f.delay().get().fixedDelay().isPresent()) {
            HttpFault.Delay d = f.delay().get();
            FaultDelay.Builder delay = FaultDelay.newBuilder().setFixedDelay(Durations.fromNanos(d.fixedDelay().get().toNanos()));
            d.percentage().ifPresent(p -> delay.setPercentage(fraction(p)));
            out.setDelay(delay);
        }
        if (f.abort().isPresent()) {
            HttpFault.Abort a = f.abort().get();
            FaultAbort.Builder abort = FaultAbort.newBuilder();
            a.percentage().ifPresent(p -> abort.setPercentage(fraction(p)));
            if (a.httpStatus() != 0) {
                out.setAbort(abort.setHttpStatus(a.httpStatus()));
            } else if (!a.grpcStatus().isEmpty()) {
                out.setAbort(abort.setGrpcStatus(GrpcCode.parse(a.grpcStatus()).map(GrpcCode::code).orElse(GrpcCode.UNKNOWN.code())));
            }
        }
        if (!out.hasDelay() && !out.hasAbort()) {
            return Optional.empty();
        }
        return Optional.of(out.build());
    }

    /** Istio's translatePercentToFractionalPercent: percent with four decimals, per million. */
    static FractionalPercent fraction(double percent) {
        return FractionalPercent.newBuilder()
                .setNumerator((int) Math.round(percent * 10000))
                .setDenominator(FractionalPercent.DenominatorType.MILLION)
                .build();
    }

    /** Istio's mirrorPercent: all traffic unless a share is given; an explicit 0 mirrors nothing. */
    private static Optional<RuntimeFractionalPercent> mirrorFraction(OptionalDouble percentage) {
        if (percentage.isEmpty()) {
            return Optional.of(RuntimeFractionalPercent.newBuilder().setDefaultValue(FractionalPercent.newBuilder()
                    .setNumerator(100).setDenominator(FractionalPercent.DenominatorType.HUNDRED)).build());
        }
        if (percentage.getAsDouble() <= 0) {
            return Optional.empty();
        }
        return Optional.of(RuntimeFractionalPercent.newBuilder().setDefaultValue(fraction(percentage.getAsDouble())).build());
    }

    /** Istio's translateCORSPolicy, for the CORS filter's per-route configuration. */
    static CorsPolicy cors(io.pilot4j.model.networking.CorsPolicy in) {
        CorsPolicy.Builder out = CorsPolicy.newBuilder();
        for (StringMatch origin : in.allowOrigins()) {
            out.addAllowOriginStringMatch(stringMatcher(origin));
        }
        out.setAllowMethods(String.join(",", in.allowMethods()))
                .setAllowHeaders(String.join(",", in.allowHeaders()))
                .setExposeHeaders(String.join(",", in.exposeHeaders()))
                .setFilterEnabled(RuntimeFractionalPercent.newBuilder().setDefaultValue(FractionalPercent.newBuilder()
                        .setNumerator(100).setDenominator(FractionalPercent.DenominatorType.HUNDRED)));
        in.maxAge().ifPresent(d -> out.setMaxAge(Long.toString(d.getSeconds())));
        in.allowCredentials().ifPresent(b -> out.setAllowCredentials(BoolValue.of(b)));
        if (in.unmatchedPreflights().equals("IGNORE")) {
            out.setForwardNotMatchingPreflights(BoolValue.of(false));
        }
        return out.build();
    }

    /**
     * Istio's translateAppendHeaders: {@code set} overwrites, {@code add} appends, each sorted by name, set first;
     * the authority and pseudo-headers are not headers to add (the authority becomes a host rewrite).
     */
    static List<HeaderValueOption> headerOptions(Headers.Operations ops) {
        List<HeaderValueOption> out = new ArrayList<>();
        ops.set().forEach((k, v) -> {
            if (!isAuthority(k) && !k.startsWith(":")) {
                out.add(HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(k).setValue(v))
                        .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD).build());
            }
        });
        ops.add().forEach((k, v) -> {
            if (!isAuthority(k) && !k.startsWith(":")) {
                out.add(HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(k).setValue(v))
                        .setAppendAction(HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD).build());
            }
        });
        return out;
    }

    private static String authorityOf(Headers.Operations ops) {
        for (Map<String, String> m : List.of(ops.set(), ops.add())) {
            for (Map.Entry<String, String> e : m.entrySet()) {
                if (isAuthority(e.getKey())) {
                    return e.getValue();
                }
            }
        }
        return "";
    }

    private static boolean isAuthority(String header) {
        return header.equalsIgnoreCase("host") || header.equals(":authority");
    }

    /**
     * Istio's getRouteOperation: {@code host:port/path} when the route has one cluster, else {@code vsName:port/path}.
     */
    private static String operation(Route.Builder route, VirtualService vs, int port) {
        RouteMatch m = route.getMatch();
        String path = switch (m.getPathSpecifierCase()) {
            case PREFIX -> m.getPrefix() + "*";
            case PATH -> m.getPath();
            case SAFE_REGEX -> m.getSafeRegex().getRegex();
            default -> "/*";
        };
        if (route.hasRoute() && !route.getRoute().getCluster().isEmpty()) {
            Optional<SubsetKey> key = SubsetKey.parse(route.getRoute().getCluster());
            if (key.isPresent()) {
                return key.get().hostname() + ":" + key.get().port() + path;
            }
        }
        return vs.meta().name() + ":" + port + path;
    }
}
