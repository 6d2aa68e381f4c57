package io.pilot4j.kube.networking;

import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionAbortGrpcStatus;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionAbortHttp2Error;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionAbortHttpStatus;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionDelayExponentialDelay;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionDelayFixedDelay;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRedirectDerivePort;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRedirectPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.FieldPath;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.serviceentry.ServiceEntryValidation;
import io.pilot4j.model.networking.CorsPolicy;
import io.pilot4j.model.networking.Destination;
import io.pilot4j.model.networking.GrpcCode;
import io.pilot4j.model.networking.Headers;
import io.pilot4j.model.networking.Hosts;
import io.pilot4j.model.networking.HttpFault;
import io.pilot4j.model.networking.HttpMatchRequest;
import io.pilot4j.model.networking.HttpMirrorPolicy;
import io.pilot4j.model.networking.HttpRedirect;
import io.pilot4j.model.networking.HttpRetry;
import io.pilot4j.model.networking.HttpRewrite;
import io.pilot4j.model.networking.HttpRoute;
import io.pilot4j.model.networking.HttpRouteDestination;
import io.pilot4j.model.networking.RouteDestination;
import io.pilot4j.model.networking.StringMatch;
import io.pilot4j.model.networking.TcpRoute;
import io.pilot4j.model.networking.TlsRoute;
import io.pilot4j.model.networking.VirtualService;
import io.pilot4j.net.IpAddresses;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * An Istio VirtualService (v1, v1beta1 or v1alpha3) to the model, validated as Istio's ValidateVirtualService does
 * for what pilot4j reads. Every problem is reported with its field; a VirtualService with any is rejected whole.
 * One without hosts is a delegate, whose routes apply through the root routes that name it
 * ({@link io.pilot4j.model.networking.VirtualServiceDelegation}).
 */
public final class VirtualServiceConversion {
    private static final FieldPath SPEC = FieldPath.of("spec");
    /** Envoy's and gRPC's retry conditions, as Istio accepts them in retryOn (besides HTTP status codes). */
    static final Set<String> RETRY_ON = Set.of("5xx", "gateway-error", "reset", "reset-before-request", "connect-failure",
            "envoy-ratelimited", "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers",
            "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable");
    private static final Set<Long> REDIRECT_CODES = Set.of(301L, 302L, 303L, 307L, 308L);

    private VirtualServiceConversion() {
    }

    /** @param domainSuffix the cluster domain short host names expand with ({@code cluster.local}) */
    public static Result<VirtualService> convert(HasMetadata object, io.fabric8.istio.api.api.networking.v1alpha3.VirtualService spec,
                                                 String domainSuffix) {
        FieldErrors errors = RuleFields.opening(object, spec);
        if (spec == null) {
            return Result.invalid(errors.toList());
        }
        String namespace = Metadata.namespace(object);
        List<String> hosts = new ArrayList<>();
        List<String> specHosts = RuleFields.list(spec.getHosts());
        for (int i = 0; i < specHosts.size(); i++) {
            RuleFields.checkHost(specHosts.get(i), SPEC.child("hosts").index(i), errors);
            if (specHosts.get(i) != null) {
                hosts.add(RuleFields.resolveHost(specHosts.get(i), namespace, domainSuffix));
            }
        }
        List<String> gateways = RuleFields.gateways(spec.getGateways(), namespace);
        // Without hosts it is a delegate: only its HTTP routes count, pulled in by a root's route (Istio's checks).
        boolean isDelegate = specHosts.isEmpty();
        if (isDelegate && !gateways.isEmpty()) {
            errors.add(SPEC.child("gateways"), "a delegate VirtualService (one without hosts) must not set gateways: its root's apply");
        }
        List<String> exportTo = RuleFields.list(spec.getExportTo());
        ServiceEntryValidation.validateExportTo(exportTo, namespace, errors);

        Context c = new Context(namespace, domainSuffix, errors);
        List<HttpRoute> http = new ArrayList<>();
        List<io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute> specHttp = RuleFields.list(spec.getHttp());
        for (int i = 0; i < specHttp.size(); i++) {
            httpRoute(specHttp.get(i), SPEC.child("http").index(i), c).ifPresent(http::add);
        }
        if (isDelegate) {
            for (int i = 0; i < http.size(); i++) {
                if (http.get(i).delegate().isPresent()) {
                    errors.add(SPEC.child("http").index(i).child("delegate"),
                            "a delegate VirtualService (one without hosts) cannot delegate again: Istio supports one level");
                }
            }
        }
        List<TcpRoute> tcp = new ArrayList<>();
        var specTcp = RuleFields.list(spec.getTcp());
        if (isDelegate && !specTcp.isEmpty()) {
            errors.add(SPEC.child("tcp"), "a delegate VirtualService (one without hosts) may hold http routes only");
        }
        for (int i = 0; i < specTcp.size(); i++) {
            FieldPath path = SPEC.child("tcp").index(i);
            var r = specTcp.get(i);
            List<TcpRoute.L4Match> matches = new ArrayList<>();
            var specMatch = RuleFields.list(r.getMatch());
            for (int j = 0; j < specMatch.size(); j++) {
                var m = specMatch.get(j);
                FieldPath mp = path.child("match").index(j);
                int port = port(m.getPort(), mp.child("port"), errors);
                List<String> destinationSubnets = subnets(RuleFields.list(m.getDestinationSubnets()), mp.child("destinationSubnets"), errors);
                String sourceSubnet = m.getSourceSubnet() == null ? "" : m.getSourceSubnet();
                if (!sourceSubnet.isEmpty() && !IpAddresses.isIpOrCidr(sourceSubnet)) {
                    errors.add(mp.child("sourceSubnet"), "\"" + sourceSubnet + "\" is not an IP address or CIDR block");
                }
                matches.add(new TcpRoute.L4Match(destinationSubnets, port, RuleFields.labels(m.getSourceLabels()),
                        RuleFields.gateways(m.getGateways(), namespace), m.getSourceNamespace(), sourceSubnet));
            }
            tcp.add(new TcpRoute(matches, routeDestinations(r.getRoute(), path.child("route"), c)));
        }
        List<TlsRoute> tls = new ArrayList<>();
        var specTls = RuleFields.list(spec.getTls());
        if (isDelegate && !specTls.isEmpty()) {
            errors.add(SPEC.child("tls"), "a delegate VirtualService (one without hosts) may hold http routes only");
        }
        for (int i = 0; i < specTls.size(); i++) {
            FieldPath path = SPEC.child("tls").index(i);
            var r = specTls.get(i);
            List<TlsRoute.TlsMatch> matches = new ArrayList<>();
            var specMatch = RuleFields.list(r.getMatch());
            if (specMatch.isEmpty()) {
                errors.add(path.child("match"), "at least one match with sniHosts is required");
            }
            for (int j = 0; j < specMatch.size(); j++) {
                var m = specMatch.get(j);
                FieldPath mp = path.child("match").index(j);
                List<String> sniHosts = RuleFields.list(m.getSniHosts());
                if (sniHosts.isEmpty()) {
                    errors.add(mp.child("sniHosts"), "at least one SNI host is required");
                }
                for (int k = 0; k < sniHosts.size(); k++) {
                    String sni = sniHosts.get(k);
                    // Istio's validateSniHost: a name the VirtualService's hosts do not cover could steal another's traffic.
                    if (!IpAddresses.isIp(sni) && specHosts.stream().noneMatch(h -> Hosts.subsetOf(sni, h))) {
                        errors.add(mp.child("sniHosts").index(k), "SNI host \"" + sni + "\" is not a compatible subset of any of the virtual "
                                + "service hosts: [" + String.join(", ", specHosts) + "]");
                    }
                }
                int port = port(m.getPort(), mp.child("port"), errors);
                List<String> destinationSubnets = subnets(RuleFields.list(m.getDestinationSubnets()), mp.child("destinationSubnets"), errors);
                matches.add(new TlsRoute.TlsMatch(sniHosts, destinationSubnets, port,
                        RuleFields.labels(m.getSourceLabels()), RuleFields.gateways(m.getGateways(), namespace), m.getSourceNamespace()));
            }
            tls.add(new TlsRoute(matches, routeDestinations(r.getRoute(), path.child("route"), c)));
        }
        if (specHttp.isEmpty() && specTcp.isEmpty() && specTls.isEmpty()) {
            errors.add(SPEC, "http, tcp or tls routes are required");
        }
        return errors.toResult(() -> new VirtualService(RuleFields.meta(object), hosts, gateways, exportTo, http, tcp, tls));
    }

    private record Context(String namespace, String domainSuffix, FieldErrors errors) {
    }

    /** Istio's ValidateIPSubnet for each: an address or a CIDR block, which the listeners' filter chain matches read. */
    private static List<String> subnets(List<String> subnets, FieldPath path, FieldErrors errors) {
        for (int i = 0; i < subnets.size(); i++) {
            if (!IpAddresses.isIpOrCidr(subnets.get(i))) {
                errors.add(path.index(i), "\"" + subnets.get(i) + "\" is not an IP address or CIDR block");
            }
        }
        return subnets;
    }

    private static Optional<HttpRoute> httpRoute(io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute r, FieldPath path, Context c) {
        FieldErrors errors = c.errors();
        if (r == null) {
            errors.add(path, "must not be null");
            return Optional.empty();
        }
        List<HttpMatchRequest> matches = new ArrayList<>();
        var specMatch = RuleFields.list(r.getMatch());
        for (int i = 0; i < specMatch.size(); i++) {
            matches.add(match(specMatch.get(i), path.child("match").index(i), c.namespace(), errors));
        }

        List<HttpRouteDestination> route = new ArrayList<>();
        var specRoute = RuleFields.list(r.getRoute());
        long total = 0;
        boolean anyWeight = false;
        for (int i = 0; i < specRoute.size(); i++) {
            FieldPath p = path.child("route").index(i);
            var d = specRoute.get(i);
            if (d == null) {
                errors.add(p, "must not be null");
                continue;
            }
            int weight = RuleFields.intValue(d.getWeight());
            if (weight < 0) {
                errors.add(p.child("weight"), weight + " must not be negative");
            }
            anyWeight |= d.getWeight() != null;
            total += weight;
            Headers headers = headers(d.getHeaders(), p.child("headers"), errors);
            RuleFields.destination(d.getDestination(), p.child("destination"), c.namespace(), c.domainSuffix(), errors)
                    .ifPresent(dest -> route.add(new HttpRouteDestination(dest, weight, headers)));
        }
        // Istio's rule: several destinations share 100%; a single one takes everything, so its weight is 0 or 100.
        if (specRoute.size() > 1 && total != 100) {
            errors.add(path.child("route"), "total destination weight " + total + " != 100");
        } else if (specRoute.size() == 1 && anyWeight && total != 0 && total != 100) {
            errors.add(path.child("route").index(0).child("weight"), "a single destination takes all traffic: weight must be 100 or unset, got " + total);
        }

        Optional<HttpRedirect> redirect = Optional.empty();
        if (r.getRedirect() != null) {
            redirect = Optional.of(redirect(r.getRedirect(), path.child("redirect"), errors));
        }
        Optional<HttpRoute.DirectResponse> direct = Optional.empty();
        if (r.getDirectResponse() != null) {
            var dr = r.getDirectResponse();
            long status = dr.getStatus() == null ? 0 : dr.getStatus();
            if (status < 200 || status > 599) {
                errors.add(path.child("directResponse").child("status"), status + " is out of range 200-599");
            }
            String body = "";
            boolean base64 = false;
            if (dr.getBody() != null && dr.getBody().getSpecifier() instanceof io.fabric8.istio.api.api.networking.v1alpha3.HTTPBodyString s) {
                body = s.getString();
            } else if (dr.getBody() != null && dr.getBody().getSpecifier() instanceof io.fabric8.istio.api.api.networking.v1alpha3.HTTPBodyBytes b) {
                body = b.getBytes() == null ? "" : b.getBytes();
                base64 = true;
                try {
                    java.util.Base64.getDecoder().decode(body);
                } catch (IllegalArgumentException e) {
                    errors.add(path.child("directResponse").child("body").child("bytes"), "not base64: " + e.getMessage());
                }
            }
            direct = Optional.of(new HttpRoute.DirectResponse((int) status, body, base64));
        }
        Optional<HttpRoute.Delegate> delegate = Optional.empty();
        if (r.getDelegate() != null) {
            delegate = Optional.of(new HttpRoute.Delegate(r.getDelegate().getName(), r.getDelegate().getNamespace()));
            if (r.getDelegate().getName() == null || r.getDelegate().getName().isEmpty()) {
                errors.required(path.child("delegate").child("name"));
            }
        }
        int actions = (route.isEmpty() && specRoute.isEmpty() ? 0 : 1) + (redirect.isPresent() ? 1 : 0)
                + (direct.isPresent() ? 1 : 0) + (delegate.isPresent() ? 1 : 0);
        if (actions == 0) {
            errors.add(path, "one of route, redirect, directResponse or delegate is required");
        } else if (actions > 1) {
            errors.add(path, "only one of route, redirect, directResponse or delegate may be set");
        }

        Optional<HttpRewrite> rewrite = Optional.empty();
        if (r.getRewrite() != null) {
            if (redirect.isPresent()) {
                errors.add(path.child("rewrite"), "rewrite cannot be combined with redirect");
            }
            var rw = r.getRewrite();
            Optional<HttpRewrite.RegexRewrite> regex = Optional.empty();
            if (rw.getUriRegexRewrite() != null) {
                String m = rw.getUriRegexRewrite().getMatch() == null ? "" : rw.getUriRegexRewrite().getMatch();
                if (RuleFields.regex(m, path.child("rewrite").child("uriRegexRewrite").child("match"), errors)) {
                    regex = Optional.of(new HttpRewrite.RegexRewrite(m, rw.getUriRegexRewrite().getRewrite() == null ? ""
                            : rw.getUriRegexRewrite().getRewrite()));
                }
                if (rw.getUri() != null && !rw.getUri().isEmpty()) {
                    errors.add(path.child("rewrite"), "uri and uriRegexRewrite cannot both be set");
                }
            }
            rewrite = Optional.of(new HttpRewrite(rw.getUri(), rw.getAuthority(), regex));
        }

        Optional<Duration> timeout = RuleFields.timeout(r.getTimeout(), path.child("timeout"), errors);
        Optional<HttpRetry> retries = Optional.empty();
        if (r.getRetries() != null) {
            retries = Optional.of(retry(r.getRetries(), path.child("retries"), errors));
        }
        Optional<HttpFault> fault = Optional.empty();
        if (r.getFault() != null) {
            fault = Optional.of(fault(r.getFault(), path.child("fault"), errors));
        }

        List<HttpMirrorPolicy> mirrors = new ArrayList<>();
        if (r.getMirror() != null) {
            OptionalDouble pct = r.getMirrorPercentage() != null
                    ? RuleFields.percent(r.getMirrorPercentage(), path.child("mirrorPercentage"), errors)
                    : RuleFields.intPercent(r.getMirrorPercent(), path.child("mirrorPercent"), errors);
            RuleFields.destination(r.getMirror(), path.child("mirror"), c.namespace(), c.domainSuffix(), errors)
                    .ifPresent(d -> mirrors.add(new HttpMirrorPolicy(d, pct)));
        } else if (r.getMirrorPercentage() != null || r.getMirrorPercent() != null) {
            errors.add(path.child("mirrorPercentage"), "needs mirror");
        }
        var specMirrors = RuleFields.list(r.getMirrors());
        if (r.getMirror() != null && !specMirrors.isEmpty()) {
            errors.add(path.child("mirrors"), "mirror and mirrors cannot both be set");
        }
        for (int i = 0; i < specMirrors.size(); i++) {
            FieldPath p = path.child("mirrors").index(i);
            var m = specMirrors.get(i);
            OptionalDouble pct = RuleFields.percent(m.getPercentage(), p.child("percentage"), errors);
            RuleFields.destination(m.getDestination(), p.child("destination"), c.namespace(), c.domainSuffix(), errors)
                    .ifPresent(d -> mirrors.add(new HttpMirrorPolicy(d, pct)));
        }

        Optional<CorsPolicy> cors = Optional.empty();
        if (r.getCorsPolicy() != null) {
            cors = Optional.of(cors(r.getCorsPolicy(), path.child("corsPolicy"), errors));
        }
        return Optional.of(new HttpRoute(r.getName(), matches, route, redirect, direct, delegate, rewrite, timeout, retries, fault,
                mirrors, cors, headers(r.getHeaders(), path.child("headers"), errors)));
    }

    private static HttpMatchRequest match(io.fabric8.istio.api.api.networking.v1alpha3.HTTPMatchRequest m, FieldPath path, String namespace,
                                          FieldErrors errors) {
        if (m == null) {
            errors.add(path, "must not be null");
            return new HttpMatchRequest("", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    java.util.Map.of(), java.util.Map.of(), java.util.Map.of(), 0, java.util.Map.of(), List.of(), "", false, "");
        }
        Optional<StringMatch> uri = RuleFields.stringMatch(m.getUri(), path.child("uri"), errors);
        if (uri.isPresent() && uri.get().type() == StringMatch.Type.PREFIX && uri.get().value().isEmpty()) {
            errors.add(path.child("uri").child("prefix"), "must not be empty (leave uri out to match every path)");
        }
        int port = port(m.getPort(), path.child("port"), errors);
        return new HttpMatchRequest(m.getName(), uri,
                RuleFields.stringMatch(m.getScheme(), path.child("scheme"), errors),
                RuleFields.stringMatch(m.getMethod(), path.child("method"), errors),
                RuleFields.stringMatch(m.getAuthority(), path.child("authority"), errors),
                RuleFields.stringMatches(m.getHeaders(), path.child("headers"), true, errors),
                RuleFields.stringMatches(m.getWithoutHeaders(), path.child("withoutHeaders"), true, errors),
                RuleFields.stringMatches(m.getQueryParams(), path.child("queryParams"), false, errors),
                port, RuleFields.labels(m.getSourceLabels()), RuleFields.gateways(m.getGateways(), namespace), m.getSourceNamespace(),
                Boolean.TRUE.equals(m.getIgnoreUriCase()), m.getStatPrefix());
    }

    private static int port(Long port, FieldPath path, FieldErrors errors) {
        if (port == null || port == 0) {
            return 0;
        }
        return errors.checkPort(path, port) ? port.intValue() : 0;
    }

    private static List<RouteDestination> routeDestinations(List<io.fabric8.istio.api.api.networking.v1alpha3.RouteDestination> in,
                                                            FieldPath path, Context c) {
        List<RouteDestination> out = new ArrayList<>();
        var specRoute = RuleFields.list(in);
        if (specRoute.isEmpty()) {
            c.errors().add(path, "at least one destination is required");
        }
        long total = 0;
        for (int i = 0; i < specRoute.size(); i++) {
            var d = specRoute.get(i);
            FieldPath p = path.index(i);
            if (d == null) {
                c.errors().add(p, "must not be null");
                continue;
            }
            int weight = RuleFields.intValue(d.getWeight());
            RuleFields.nonNegative(d.getWeight(), p.child("weight"), c.errors());
            total += weight;
            RuleFields.destination(d.getDestination(), p.child("destination"), c.namespace(), c.domainSuffix(), c.errors())
                    .ifPresent(dest -> out.add(new RouteDestination(dest, weight)));
        }
        if (specRoute.size() > 1 && total != 100) {
            c.errors().add(path, "total destination weight " + total + " != 100");
        }
        return out;
    }

    private static HttpRedirect redirect(io.fabric8.istio.api.api.networking.v1alpha3.HTTPRedirect r, FieldPath path, FieldErrors errors) {
        int port = 0;
        String derive = "";
        if (r.getRedirectPort() instanceof HTTPRedirectPort p) {
            port = port(p.getPort(), path.child("port"), errors);
        } else if (r.getRedirectPort() instanceof HTTPRedirectDerivePort d && d.getDerivePort() != null) {
            derive = d.getDerivePort().toString();
        }
        int code = 301;
        if (r.getRedirectCode() != null && r.getRedirectCode() != 0) {
            if (!REDIRECT_CODES.contains(r.getRedirectCode())) {
                errors.add(path.child("redirectCode"), r.getRedirectCode() + " is not a redirect code: want 301, 302, 303, 307 or 308");
            } else {
                code = r.getRedirectCode().intValue();
            }
        }
        return new HttpRedirect(r.getUri(), r.getAuthority(), port, derive, r.getScheme(), code);
    }

    private static HttpRetry retry(io.fabric8.istio.api.api.networking.v1alpha3.HTTPRetry r, FieldPath path, FieldErrors errors) {
        RuleFields.nonNegative(r.getAttempts(), path.child("attempts"), errors);
        String retryOn = r.getRetryOn() == null ? "" : r.getRetryOn();
        for (String part : retryOn.split(",")) {
            String p = part.trim();
            if (p.isEmpty() || RETRY_ON.contains(p)) {
                continue;
            }
            boolean status = p.chars().allMatch(Character::isDigit) && p.length() == 3 && Integer.parseInt(p) >= 100 && Integer.parseInt(p) <= 599;
            if (!status) {
                errors.add(path.child("retryOn"), "\"" + p + "\" is not a retry condition (e.g. 5xx, gateway-error, "
                        + "connect-failure, unavailable) or an HTTP status code");
            }
        }
        return new HttpRetry(RuleFields.intValue(r.getAttempts()),
                RuleFields.timeout(r.getPerTryTimeout(), path.child("perTryTimeout"), errors), retryOn,
                RuleFields.timeout(r.getBackoff(), path.child("backoff"), errors),
                Optional.ofNullable(r.getRetryRemoteLocalities()), Optional.ofNullable(r.getRetryIgnorePreviousHosts()));
    }

    private static HttpFault fault(io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjection f, FieldPath path, FieldErrors errors) {
        Optional<HttpFault.Delay> delay = Optional.empty();
        if (f.getDelay() != null) {
            FieldPath p = path.child("delay");
            var d = f.getDelay();
            OptionalDouble pct = d.getPercentage() != null ? RuleFields.percent(d.getPercentage(), p.child("percentage"), errors)
                    : RuleFields.intPercent(d.getPercent(), p.child("percent"), errors);
            Optional<Duration> fixed = Optional.empty();
            if (d.getHttpDelayType() instanceof HTTPFaultInjectionDelayFixedDelay fd && fd.getFixedDelay() != null) {
                fixed = RuleFields.timeout(fd.getFixedDelay(), p.child("fixedDelay"), errors);
            } else if (d.getHttpDelayType() instanceof HTTPFaultInjectionDelayExponentialDelay ed && ed.getExponentialDelay() != null) {
                errors.add(p.child("exponentialDelay"), "not supported yet (as in Istio): use fixedDelay");
            } else {
                errors.add(p, "fixedDelay is required");
            }
            delay = Optional.of(new HttpFault.Delay(fixed, pct));
        }
        Optional<HttpFault.Abort> abort = Optional.empty();
        if (f.getAbort() != null) {
            FieldPath p = path.child("abort");
            var a = f.getAbort();
            OptionalDouble pct = RuleFields.percent(a.getPercentage(), p.child("percentage"), errors);
            if (a.getErrorType() instanceof HTTPFaultInjectionAbortHttpStatus h && h.getHttpStatus() != null) {
                int status = h.getHttpStatus();
                if (status < 200 || status > 599) {
                    errors.add(p.child("httpStatus"), status + " is out of range 200-599");
                }
                abort = Optional.of(new HttpFault.Abort(status, "", pct));
            } else if (a.getErrorType() instanceof HTTPFaultInjectionAbortGrpcStatus g && g.getGrpcStatus() != null) {
                if (GrpcCode.parse(g.getGrpcStatus()).isEmpty()) {
                    errors.add(p.child("grpcStatus"), "\"" + g.getGrpcStatus() + "\" is not a gRPC status: want one of "
                            + java.util.Arrays.toString(GrpcCode.values()));
                }
                abort = Optional.of(new HttpFault.Abort(0, g.getGrpcStatus(), pct));
            } else if (a.getErrorType() instanceof HTTPFaultInjectionAbortHttp2Error e && e.getHttp2Error() != null) {
                errors.add(p.child("http2Error"), "not supported yet (as in Istio): use httpStatus or grpcStatus");
            } else {
                errors.add(p, "httpStatus or grpcStatus is required");
            }
        }
        if (f.getDelay() == null && f.getAbort() == null) {
            errors.add(path, "delay or abort is required");
        }
        return new HttpFault(delay, abort);
    }

    private static CorsPolicy cors(io.fabric8.istio.api.api.networking.v1alpha3.CorsPolicy p, FieldPath path, FieldErrors errors) {
        List<StringMatch> origins = new ArrayList<>();
        var specOrigins = RuleFields.list(p.getAllowOrigins());
        for (int i = 0; i < specOrigins.size(); i++) {
            RuleFields.stringMatch(specOrigins.get(i), path.child("allowOrigins").index(i), errors).ifPresent(origins::add);
        }
        for (String legacy : RuleFields.list(p.getAllowOrigin())) {
            origins.add(StringMatch.exact(legacy));
        }
        return new CorsPolicy(origins, RuleFields.list(p.getAllowMethods()), RuleFields.list(p.getAllowHeaders()),
                RuleFields.list(p.getExposeHeaders()), RuleFields.duration(p.getMaxAge(), path.child("maxAge"), errors),
                Optional.ofNullable(p.getAllowCredentials()),
                p.getUnmatchedPreflights() == null ? "" : p.getUnmatchedPreflights().toString());
    }

    private static Headers headers(io.fabric8.istio.api.api.networking.v1alpha3.Headers h, FieldPath path, FieldErrors errors) {
        if (h == null) {
            return Headers.NONE;
        }
        return new Headers(HeaderOperations.convert(h.getRequest(), true, path.child("request"), errors),
                HeaderOperations.convert(h.getResponse(), false, path.child("response"), errors));
    }

    /** For tests and messages: the destinations of an HTTP route, in order. */
    static List<Destination> destinations(HttpRoute route) {
        return route.route().stream().map(HttpRouteDestination::destination).toList();
    }
}
