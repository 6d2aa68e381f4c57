package io.pilot4j.model.networking;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP route of a VirtualService (Istio's HTTPRoute): conditions, then what to do with matching requests. Routes
 * are tried in order; the first whose match fits wins.
 *
 * @param name           route name, part of Envoy's route name
 * @param match          any of these conditions; empty matches every request
 * @param route          weighted destinations; empty with a redirect, direct response or delegate
 * @param redirect       answer with a redirect
 * @param directResponse answer directly
 * @param delegate       the VirtualService that holds the routes ({@link VirtualServiceDelegation} merges them in)
 * @param rewrite        path/authority rewrite before forwarding
 * @param timeout        request timeout; absent means none (Istio disables Envoy's 15 s default)
 * @param retries        retry policy; absent means Istio's default
 * @param fault          fault injection
 * @param mirrors        traffic copies, the deprecated {@code mirror} + {@code mirrorPercentage} first
 * @param corsPolicy     CORS
 * @param headers        header changes for the whole route
 */
public record HttpRoute(String name, List<HttpMatchRequest> match, List<HttpRouteDestination> route,
                        Optional<HttpRedirect> redirect, Optional<DirectResponse> directResponse, Optional<Delegate> delegate,
                        Optional<HttpRewrite> rewrite, Optional<Duration> timeout, Optional<HttpRetry> retries,
                        Optional<HttpFault> fault, List<HttpMirrorPolicy> mirrors, Optional<CorsPolicy> corsPolicy,
                        Headers headers) {

    /**
     * @param body   the body as written: text, or base64 when {@code base64}
     * @param base64 the body was given as {@code bytes}
     */
    public record DirectResponse(int status, String body, boolean base64) {
        public DirectResponse {
            body = Objects.requireNonNullElse(body, "");
        }
    }

    public record Delegate(String name, String namespace) {
        public Delegate {
            name = Objects.requireNonNullElse(name, "");
            namespace = Objects.requireNonNullElse(namespace, "");
        }
    }

    public HttpRoute {
        name = Objects.requireNonNullElse(name, "");
        match = List.copyOf(match);
        route = List.copyOf(route);
        Objects.requireNonNull(redirect, "redirect");
        Objects.requireNonNull(directResponse, "directResponse");
        Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(rewrite, "rewrite");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(fault, "fault");
        mirrors = List.copyOf(mirrors);
        Objects.requireNonNull(corsPolicy, "corsPolicy");
        headers = headers == null ? Headers.NONE : headers;
    }
}
