package io.pilot4j.kube.networking;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.pilot4j.kube.FieldError;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.Yaml;
import io.pilot4j.model.networking.ConfigMeta;
import io.pilot4j.model.networking.CorsPolicy;
import io.pilot4j.model.networking.Destination;
import io.pilot4j.model.networking.Headers;
import io.pilot4j.model.networking.HttpFault;
import io.pilot4j.model.networking.HttpMatchRequest;
import io.pilot4j.model.networking.HttpMirrorPolicy;
import io.pilot4j.model.networking.HttpRedirect;
import io.pilot4j.model.networking.HttpRetry;
import io.pilot4j.model.networking.HttpRewrite;
import io.pilot4j.model.networking.HttpRoute;
import io.pilot4j.model.networking.HttpRouteDestination;
import io.pilot4j.model.networking.StringMatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class VirtualServiceConversionTest {

    private static Result<io.pilot4j.model.networking.VirtualService> convert(String spec) {
        VirtualService vs = Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: default, creationTimestamp: "2026-01-02T03:04:05Z"}
                spec:
                """ + spec.indent(2), VirtualService.class);
        return VirtualServiceConversion.convert(vs, vs.getSpec(), "cluster.local");
    }

    @Test
    void everyHttpFeatureConvertsToTheModel() {
        Result<io.pilot4j.model.networking.VirtualService> r = convert("""
                hosts: [reviews]
                http:
                - name: jason
                  match:
                  - name: user
                    headers: {end-user: {exact: jason}}
                    uri: {prefix: /api}
                    method: {exact: GET}
                    queryParams: {debug: {regex: "t.*"}}
                    ignoreUriCase: true
                    statPrefix: jason-api
                  route:
                  - destination: {host: reviews, subset: v2}
                    weight: 80
                    headers: {request: {set: {x-subset: v2}}}
                  - destination: {host: reviews.other.svc.cluster.local, subset: v3, port: {number: 9080}}
                    weight: 20
                  timeout: 1.5s
                  retries: {attempts: 3, perTryTimeout: 500ms, retryOn: "5xx,503"}
                  fault:
                    delay: {fixedDelay: 7s, percentage: {value: 10}}
                    abort: {grpcStatus: UNAVAILABLE, percentage: {value: 100}}
                  rewrite: {uri: /v2, authority: reviews.internal}
                  mirror: {host: shadow}
                  mirrorPercentage: {value: 12.5}
                  corsPolicy: {allowOrigins: [{exact: "https://a.example"}], allowMethods: [GET], maxAge: 24h}
                  headers: {response: {remove: [x-internal]}}
                - redirect: {uri: /moved, redirectCode: 302}
                """);
        assertTrue(r.isValid(), () -> r.errors().toString());
        io.pilot4j.model.networking.VirtualService vs = r.value();
        assertEquals(new ConfigMeta("default", "reviews", Instant.parse("2026-01-02T03:04:05Z")), vs.meta());
        assertEquals(List.of("reviews.default.svc.cluster.local"), vs.hosts());
        HttpRoute first = new HttpRoute("jason",
                List.of(new HttpMatchRequest("user", Optional.of(StringMatch.prefix("/api")), Optional.empty(),
                        Optional.of(StringMatch.exact("GET")), Optional.empty(), Map.of("end-user", StringMatch.exact("jason")),
                        Map.of(), Map.of("debug", StringMatch.regex("t.*")), 0, Map.of(), List.of(), "", true, "jason-api")),
                List.of(new HttpRouteDestination(new Destination("reviews.default.svc.cluster.local", "v2", 0), 80,
                                new Headers(new Headers.Operations(Map.of("x-subset", "v2"), Map.of(), List.of()), null)),
                        new HttpRouteDestination(new Destination("reviews.other.svc.cluster.local", "v3", 9080), 20, Headers.NONE)),
                Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new HttpRewrite("/v2", "reviews.internal", Optional.empty())),
                Optional.of(Duration.ofMillis(1500)),
                Optional.of(new HttpRetry(3, Optional.of(Duration.ofMillis(500)), "5xx,503", Optional.empty(), Optional.empty(), Optional.empty())),
                Optional.of(new HttpFault(
                        Optional.of(new HttpFault.Delay(Optional.of(Duration.ofSeconds(7)), OptionalDouble.of(10))),
                        Optional.of(new HttpFault.Abort(0, "UNAVAILABLE", OptionalDouble.of(100))))),
                List.of(new HttpMirrorPolicy(new Destination("shadow.default.svc.cluster.local", "", 0), OptionalDouble.of(12.5))),
                Optional.of(new CorsPolicy(List.of(StringMatch.exact("https://a.example")), List.of("GET"), List.of(), List.of(),
                        Optional.of(Duration.ofHours(24)), Optional.empty(), "")),
                new Headers(null, new Headers.Operations(Map.of(), Map.of(), List.of("x-internal"))));
        assertEquals(first, vs.http().get(0));
        assertEquals(Optional.of(new HttpRedirect("/moved", "", 0, "", "", 302)), vs.http().get(1).redirect());
    }

    /** Named groups in Go's and RE2's spelling, which Java's dialect refused ("Unknown inline modifier"). */
    @Test
    void regexesInRe2SyntaxAreAccepted() {
        Result<io.pilot4j.model.networking.VirtualService> r = convert("""
                hosts: [a]
                http:
                - match: [{uri: {regex: "/u/(?P<id>[0-9]+)"}}, {uri: {regex: "/v/(?<id>[0-9]+)/[[:alpha:]]+"}}]
                  rewrite: {uriRegexRewrite: {match: "/u/(?P<id>[0-9]+)", rewrite: /users/\\1}}
                  route: [{destination: {host: a}}]
                """);

        assertEquals(List.of(), r.errors());
        assertEquals(StringMatch.regex("/u/(?P<id>[0-9]+)"), r.value().http().get(0).match().get(0).uri().get());
        assertEquals(StringMatch.regex("/v/(?<id>[0-9]+)/[[:alpha:]]+"), r.value().http().get(0).match().get(1).uri().get());
    }

    @Test
    void aVirtualServiceWithoutHostsIsADelegateAndARootRouteNamesIt() {
        Result<io.pilot4j.model.networking.VirtualService> delegate = convert("""
                http: [{match: [{uri: {prefix: /v2}}], route: [{destination: {host: reviews, subset: v2}}]}]
                """);
        Result<io.pilot4j.model.networking.VirtualService> root = convert("""
                hosts: [reviews]
                http: [{match: [{uri: {prefix: /}}], delegate: {name: reviews-v2, namespace: team}}]
                """);

        assertEquals(List.of(), delegate.errors());
        assertEquals(List.of(), delegate.value().hosts());
        assertEquals("reviews.default.svc.cluster.local", delegate.value().http().get(0).route().get(0).destination().host());
        assertEquals(List.of(), root.errors());
        assertEquals(Optional.of(new HttpRoute.Delegate("reviews-v2", "team")), root.value().http().get(0).delegate());
    }

    @Test
    void gatewayNamesResolveAsIstioResolvesThem() {
        Result<io.pilot4j.model.networking.VirtualService> r = convert("""
                hosts: [reviews]
                gateways: [mesh, ingress, ./local, istio-system/public, legacy.istio-system.svc.cluster.local]
                http:
                - match: [{gateways: [ingress, mesh]}]
                  route: [{destination: {host: reviews}}]
                tcp:
                - match: [{gateways: [ingress]}]
                  route: [{destination: {host: reviews}}]
                """);
        assertTrue(r.isValid(), () -> r.errors().toString());
        assertEquals(List.of("mesh", "default/ingress", "default/local", "istio-system/public", "istio-system/legacy"), r.value().gateways());
        assertEquals(List.of("default/ingress", "mesh"), r.value().http().get(0).match().get(0).gateways());
        assertEquals(List.of("default/ingress"), r.value().tcp().get(0).match().get(0).gateways());
        assertTrue(r.value().appliesToMesh());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("a delegate (no hosts) with gateways, tcp routes and a delegate of its own", """
                        gateways: [mesh]
                        http: [{delegate: {name: deeper}}]
                        tcp: [{route: [{destination: {host: a}}]}]
                        """, List.of("spec.gateways: a delegate VirtualService (one without hosts) must not set gateways: its root's apply",
                        "spec.http[0].delegate: a delegate VirtualService (one without hosts) cannot delegate again: Istio supports one level",
                        "spec.tcp: a delegate VirtualService (one without hosts) may hold http routes only")),
                arguments("a delegate without a name", """
                        hosts: [a]
                        http: [{delegate: {namespace: other}}]
                        """, List.of("spec.http[0].delegate.name: required")),
                arguments("weights that do not sum to 100", """
                        hosts: [a]
                        http: [{route: [{destination: {host: a, subset: v1}, weight: 80}, {destination: {host: a, subset: v2}, weight: 30}]}]
                        """, List.of("spec.http[0].route: total destination weight 110 != 100")),
                arguments("a single destination with a partial weight", """
                        hosts: [a]
                        http: [{route: [{destination: {host: a}, weight: 50}]}]
                        """, List.of("spec.http[0].route[0].weight: a single destination takes all traffic: weight must be 100 or unset, got 50")),
                arguments("bad regex", """
                        hosts: [a]
                        http: [{match: [{uri: {regex: "/api/(v1"}}], route: [{destination: {host: a}}]}]
                        """, List.of("spec.http[0].match[0].uri.regex: \"/api/(v1\" is not a valid RE2 regular expression: missing closing ): "
                        + "`/api/(v1` (Envoy and Istio use RE2 syntax, https://github.com/google/re2/wiki/Syntax)")),
                arguments("Java-only regexes (lookahead, backreference) in every regex field", """
                        hosts: [a]
                        http:
                        - match:
                          - uri: {regex: "/api/(?=v1).*"}
                            authority: {regex: "(a+)\\\\1"}
                            headers: {x-user: {regex: "a*+"}}
                            withoutHeaders: {x-bot: {regex: "\\\\h"}}
                            queryParams: {q: {regex: "\\\\Z"}}
                          rewrite: {uriRegexRewrite: {match: "/(a+)/\\\\1", rewrite: /b}}
                          corsPolicy: {allowOrigins: [{regex: "https://(?<!x)a"}]}
                          route: [{destination: {host: a}}]
                        """, List.of(
                        "spec.http[0].match[0].uri.regex: \"/api/(?=v1).*\" is not a valid RE2 regular expression: invalid or unsupported Perl syntax: "
                                + "`(?=` (Envoy and Istio use RE2 syntax, https://github.com/google/re2/wiki/Syntax)",
                        "spec.http[0].match[0].authority.regex: \"(a+)\\1\" is not a valid RE2 regular expression: invalid escape sequence: "
                                + "`\\1` (Envoy and Istio use RE2 syntax, https://github.com/google/re2/wiki/Syntax)",
                        "spec.http[0].match[0].headers[x-user].regex: \"a*+\" is not a valid RE2 regular expression: invalid nested repetition operator: "
                                + "`*+` (Envoy and Istio use RE2 syntax, https://github.com/google/re2/wiki/Syntax)",
                        "spec.http[0].match[0].withoutHeaders[x-bot].regex: \"\\h\" is not a valid RE2 regular expression: invalid escape sequence: "
                                + "`\\h` (Envoy and Istio use RE2 syntax, https://github.com/google/re2/wiki/Syntax)",
                        "spec.http[0].match[0].queryParams[q].regex: \"\\Z\" is not a valid RE2 regular expression: invalid escape sequence: "
                                + "`\\Z` (Envoy and Istio use RE2 syntax, https://github.com/google/re2/wiki/Syntax)",
                        "spec.http[0].rewrite.uriRegexRewrite.match: \"/(a+)/\\1\" is not a valid RE2 regular expression: invalid escape sequence: "
                                + "`\\1` (Envoy and Istio use RE2 syntax, https://github.com/google/re2/wiki/Syntax)",
                        "spec.http[0].corsPolicy.allowOrigins[0].regex: \"https://(?<!x)a\" is not a valid RE2 regular expression: invalid named capture: "
                                + "`(?<!x)a` (Envoy and Istio use RE2 syntax, https://github.com/google/re2/wiki/Syntax)")),
                arguments("regexes RE2/J takes and Envoy's RE2 refuses, and one longer than Istio allows", """
                        hosts: [a]
                        http:
                        - match:
                          - uri: {regex: "(a{10}){101}"}
                          - uri: {regex: "\\\\x{100}"}
                          - uri: {regex: "%s"}
                          route: [{destination: {host: a}}]
                        """.formatted("a".repeat(1025)), List.of(
                        "spec.http[0].match[0].uri.regex: \"(a{10}){101}\": repetition {101} nests to 1010 repeats, more than RE2's 1000 "
                                + "(Envoy: invalid repetition size)",
                        "spec.http[0].match[1].uri.regex: \"\\x{100}\": \\x{100}: Envoy's RE2 takes character codes up to \\x{FF} only "
                                + "(invalid escape sequence); write the character itself",
                        "spec.http[0].match[2].uri.regex: regex is too large: 1025 characters, at most 1024")),
                arguments("what Envoy could not honour as written: an exponential delay, an HTTP/2 error", """
                        hosts: [a]
                        http:
                        - route: [{destination: {host: a}}]
                          fault: {delay: {exponentialDelay: 1s}, abort: {http2Error: REFUSED_STREAM}}
                        """, List.of("spec.http[0].fault.delay.exponentialDelay: not supported yet (as in Istio): use fixedDelay",
                        "spec.http[0].fault.abort.http2Error: not supported yet (as in Istio): use httpStatus or grpcStatus")),
                arguments("subnets that are no address or CIDR block, which no filter chain could match on", """
                        hosts: [a]
                        tcp: [{match: [{sourceSubnet: 10.0.0.0/33, destinationSubnets: [10.1.0.0/16, "10.2.0.0/x"]}], route: [{destination: {host: a}}]}]
                        tls: [{match: [{sniHosts: [a], destinationSubnets: [nowhere]}], route: [{destination: {host: a}}]}]
                        """, List.of("spec.tcp[0].match[0].destinationSubnets[1]: \"10.2.0.0/x\" is not an IP address or CIDR block",
                        "spec.tcp[0].match[0].sourceSubnet: \"10.0.0.0/33\" is not an IP address or CIDR block",
                        "spec.tls[0].match[0].destinationSubnets[0]: \"nowhere\" is not an IP address or CIDR block")),
                arguments("SNI hosts the VirtualService's hosts do not cover (Istio's validateSniHost)", """
                        hosts: [a.example.com, "*.b.example.com"]
                        tls:
                        - match: [{sniHosts: [a.example.com, x.b.example.com, "*.b.example.com", c.example.com, "*.example.com"]}]
                          route: [{destination: {host: a.example.com}}]
                        """, List.of("spec.tls[0].match[0].sniHosts[3]: SNI host \"c.example.com\" is not a compatible subset of any of the "
                                + "virtual service hosts: [a.example.com, *.b.example.com]",
                        "spec.tls[0].match[0].sniHosts[4]: SNI host \"*.example.com\" is not a compatible subset of any of the virtual "
                                + "service hosts: [a.example.com, *.b.example.com]")),
                arguments("header operations Envoy would reject with the whole route configuration, as Istio validates them", """
                        hosts: [a]
                        http:
                        - route:
                          - destination: {host: a}
                            headers: {response: {set: {":status": "200"}}}
                          headers:
                            request: {set: {host: b.example.com, x-ok: "%HOSTNAME% 100%%"}, add: {":path": /x}, remove: [host, ":method"]}
                            response: {add: {x-bad: "abc%123", x-open: "%START_TIME%%", x-ctl: "a\\x01b"}, remove: [Host]}
                        """, List.of("spec.http[0].route[0].headers.response.set[:status]: invalid header \":status\": header cannot have \":\" prefix",
                        "spec.http[0].headers.request.add[:path]: invalid header \":path\": header cannot have \":\" prefix",
                        "spec.http[0].headers.request.remove[0]: invalid header \"host\": cannot set Host header",
                        "spec.http[0].headers.request.remove[1]: invalid header \":method\": header cannot have \":\" prefix",
                        "spec.http[0].headers.response.add[x-bad]: header value configuration: un-terminated variable expression 'abc%123'",
                        "spec.http[0].headers.response.add[x-open]: header value configuration: un-escaped % (write %% for a literal %)",
                        "spec.http[0].headers.response.add[x-ctl]: header value configuration a\u0001b is invalid: control characters are not allowed",
                        "spec.http[0].headers.response.remove[0]: invalid header \"Host\": cannot set Host header")),
                arguments("bad duration", """
                        hosts: [a]
                        http: [{timeout: 10x, route: [{destination: {host: a}}]}]
                        """, List.of("spec.http[0].timeout: invalid duration \"10x\" (want a number with a unit, e.g. \"10s\", \"1.5s\", \"500ms\", \"1m30s\")")),
                arguments("unknown field", """
                        hosts: [a]
                        http: [{route: [{destination: {host: a}}], retries: {atempts: 3}}]
                        """, List.of("spec.http[0].retries.atempts: unknown field \"atempts\"")),
                arguments("destination without host, bad subset, bad port", """
                        hosts: [a]
                        http: [{route: [{destination: {subset: V_1}, weight: 50}, {destination: {host: a, port: {number: 0}}, weight: 50}]}]
                        """, List.of("spec.http[0].route[0].destination.host: required",
                        "spec.http[0].route[0].destination.subset: \"V_1\" is not a valid subset name (lowercase letters, digits and '-')",
                        "spec.http[0].route[1].destination.port.number: 0 is out of range 1-65535")),
                arguments("no action, and both route and redirect", """
                        hosts: [a]
                        http: [{name: nothing}, {route: [{destination: {host: a}}], redirect: {uri: /x}}]
                        """, List.of("spec.http[0]: one of route, redirect, directResponse or delegate is required",
                        "spec.http[1]: only one of route, redirect, directResponse or delegate may be set")),
                arguments("fault: abort status, grpc status and percentages", """
                        hosts: [a]
                        http:
                        - route: [{destination: {host: a}}]
                          fault: {abort: {httpStatus: 700, percentage: {value: 101}}}
                        - route: [{destination: {host: a}}]
                          fault: {abort: {grpcStatus: NOPE}, delay: {fixedDelay: 0s}}
                        """, List.of("spec.http[0].fault.abort.percentage.value: 101.0 is out of range 0-100",
                        "spec.http[0].fault.abort.httpStatus: 700 is out of range 200-599",
                        "spec.http[1].fault.delay.fixedDelay: \"0s\" must be at least 1ms and in whole milliseconds",
                        "spec.http[1].fault.abort.grpcStatus: \"NOPE\" is not a gRPC status: want one of [OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED]")),
                arguments("an abort without a status is named once", """
                        hosts: [a]
                        http: [{route: [{destination: {host: a}}], fault: {abort: {percentage: {value: 5}}}}]
                        """, List.of("spec.http[0].fault.abort: httpStatus or grpcStatus is required")),
                arguments("retries", """
                        hosts: [a]
                        http: [{route: [{destination: {host: a}}], retries: {attempts: -1, retryOn: "5xx,sometimes,999"}}]
                        """, List.of("spec.http[0].retries.attempts: -1 must not be negative",
                        "spec.http[0].retries.retryOn: \"sometimes\" is not a retry condition (e.g. 5xx, gateway-error, connect-failure, unavailable) or an HTTP status code",
                        "spec.http[0].retries.retryOn: \"999\" is not a retry condition (e.g. 5xx, gateway-error, connect-failure, unavailable) or an HTTP status code")),
                arguments("header names must be lowercase", """
                        hosts: [a]
                        http: [{match: [{headers: {End-User: {exact: jason}}}], route: [{destination: {host: a}}]}]
                        """, List.of("spec.http[0].match[0].headers[End-User]: header name \"End-User\" must be lowercase")),
                arguments("redirect code", """
                        hosts: [a]
                        http: [{redirect: {uri: /x, redirectCode: 200}}]
                        """, List.of("spec.http[0].redirect.redirectCode: 200 is not a redirect code: want 301, 302, 303, 307 or 308")),
                arguments("exportTo", """
                        hosts: [a]
                        exportTo: [".", "default"]
                        http: [{route: [{destination: {host: a}}]}]
                        """, List.of("spec.exportTo[1]: duplicate entry: \".\" and \"default\" both name namespace default")),
                arguments("no routes at all", """
                        hosts: [a]
                        """, List.of("spec: http, tcp or tls routes are required")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidRulesAreRejectedWithEveryFieldNamed(String name, String spec, List<String> expected) {
        Result<io.pilot4j.model.networking.VirtualService> r = convert(spec);
        assertEquals(expected, r.errors().stream().map(FieldError::toString).toList());
    }
}
