package io.pilot4j.translate.route;

import com.google.protobuf.TextFormat;
import com.google.protobuf.TypeRegistry;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.grpc.GrpcRouteGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * RDS with VirtualServices, Istio YAML in and Envoy routes out, compared by value (written in protobuf text format):
 * the routes of the {@code reviews} virtual host on port 9080, as a sidecar of namespace {@code default} gets them,
 * and as a proxyless gRPC client does.
 */
class VirtualServiceRoutesTest {
    private static final TextFormat.Parser TEXT = TextFormat.Parser.newBuilder()
            .setTypeRegistry(TypeRegistry.newBuilder()
                    .add(HTTPFault.getDescriptor())
                    .add(CorsPolicy.getDescriptor())
                    .add(PreviousHostsPredicate.getDescriptor())
                    .add(io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig.getDescriptor())
                    .build())
            .build();

    /** Istio's default retry policy, which a route without retries gets. */
    private static final String DEFAULT_RETRY = """
            retry_policy {
              retry_on: "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"
              num_retries { value: 2 }
              retry_host_predicate {
                name: "envoy.retry_host_predicates.previous_hosts"
                typed_config { [type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate] {} }
              }
              host_selection_retry_max_attempts: 5
            }
            """;
    private static final String SUBSETS = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: default}
            spec:
              host: reviews
              subsets:
              - {name: v1, labels: {version: v1}}
              - {name: v2, labels: {version: v2}}
            """;

    private static String vs(String http) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: default}
                spec:
                  hosts: [reviews]
                  http:
                """ + http.indent(2);
    }

    static Stream<Arguments> sidecarCases() {
        return Stream.of(
                arguments("weighted split across subsets", vs("""
                        - route:
                          - {destination: {host: reviews, subset: v1}, weight: 80}
                          - {destination: {host: reviews, subset: v2}, weight: 20}
                        """), List.of("""
                        match { prefix: "/" }
                        route {
                          weighted_clusters {
                            clusters { name: "outbound|9080|v1|reviews.default.svc.cluster.local" weight { value: 80 } }
                            clusters { name: "outbound|9080|v2|reviews.default.svc.cluster.local" weight { value: 20 } }
                          }
                          timeout {}
                        """ + DEFAULT_RETRY + """
                          max_grpc_timeout {}
                        }
                        decorator { operation: "reviews:9080/*" }
                        """)),
                arguments("header match first, then the default, in order", vs("""
                        - name: jason
                          match: [{headers: {end-user: {exact: jason}}, uri: {prefix: /reviews}}]
                          route: [{destination: {host: reviews, subset: v2}}]
                        - route: [{destination: {host: reviews, subset: v1}}]
                        """), List.of("""
                        name: "jason"
                        match {
                          prefix: "/reviews"
                          headers { name: "end-user" string_match { exact: "jason" } }
                        }
                        route {
                          cluster: "outbound|9080|v2|reviews.default.svc.cluster.local"
                          timeout {}
                        """ + DEFAULT_RETRY + """
                          max_grpc_timeout {}
                        }
                        decorator { operation: "reviews.default.svc.cluster.local:9080/reviews*" }
                        """, """
                        match { prefix: "/" }
                        route {
                          cluster: "outbound|9080|v1|reviews.default.svc.cluster.local"
                          timeout {}
                        """ + DEFAULT_RETRY + """
                          max_grpc_timeout {}
                        }
                        decorator { operation: "reviews.default.svc.cluster.local:9080/*" }
                        """)),
                arguments("one route per match; regex, method, authority, query, header presence, ignoreUriCase", vs("""
                        - name: r
                          match:
                          - name: a
                            uri: {regex: "/api/v[0-9]+"}
                            method: {exact: POST}
                            authority: {prefix: reviews}
                            headers: {x-present: {prefix: ""}, x-b: {regex: "b.*"}}
                            withoutHeaders: {x-debug: {exact: "1"}}
                            queryParams: {q: {exact: "1"}}
                          - uri: {exact: /exact}
                            ignoreUriCase: true
                          route: [{destination: {host: reviews}}]
                        """), List.of("""
                        name: "r.a"
                        match {
                          safe_regex { regex: "/api/v[0-9]+" }
                          headers { name: ":authority" string_match { prefix: "reviews" } }
                          headers { name: ":method" string_match { exact: "POST" } }
                          headers { name: "x-b" string_match { safe_regex { regex: "b.*" } } }
                          headers { name: "x-debug" string_match { exact: "1" } invert_match: true }
                          headers { name: "x-present" present_match: true }
                          query_parameters { name: "q" string_match { exact: "1" } }
                        }
                        route {
                          cluster: "outbound|9080||reviews.default.svc.cluster.local"
                          timeout {}
                        """ + DEFAULT_RETRY + """
                          max_grpc_timeout {}
                        }
                        decorator { operation: "reviews.default.svc.cluster.local:9080/api/v[0-9]+" }
                        """, """
                        name: "r"
                        match { path: "/exact" case_sensitive { value: false } }
                        route {
                          cluster: "outbound|9080||reviews.default.svc.cluster.local"
                          timeout {}
                        """ + DEFAULT_RETRY + """
                          max_grpc_timeout {}
                        }
                        decorator { operation: "reviews.default.svc.cluster.local:9080/exact" }
                        """)),
                arguments("timeout and retries", vs("""
                        - route: [{destination: {host: reviews}}]
                          timeout: 2s
                          retries: {attempts: 3, perTryTimeout: 500ms, retryOn: "gateway-error,503"}
                        """), List.of("""
                        match { prefix: "/" }
                        route {
                          cluster: "outbound|9080||reviews.default.svc.cluster.local"
                          timeout { seconds: 2 }
                          retry_policy {
                            retry_on: "gateway-error,retriable-status-codes"
                            num_retries { value: 3 }
                            per_try_timeout { nanos: 500000000 }
                            retry_host_predicate {
                              name: "envoy.retry_host_predicates.previous_hosts"
                              typed_config { [type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate] {} }
                            }
                            host_selection_retry_max_attempts: 5
                            retriable_status_codes: 503
                          }
                          max_grpc_timeout { seconds: 2 }
                        }
                        decorator { operation: "reviews.default.svc.cluster.local:9080/*" }
                        """)),
                arguments("attempts 0 turns retries off; fault delay and abort", vs("""
                        - route: [{destination: {host: reviews}}]
                          retries: {attempts: 0}
                          fault:
                            delay: {fixedDelay: 7s, percentage: {value: 50}}
                            abort: {httpStatus: 503, percentage: {value: 0.1}}
                        """), List.of("""
                        match { prefix: "/" }
                        route {
                          cluster: "outbound|9080||reviews.default.svc.cluster.local"
                          timeout {}
                          max_grpc_timeout {}
                        }
                        decorator { operation: "reviews.default.svc.cluster.local:9080/*" }
                        typed_per_filter_config {
                          key: "envoy.filters.http.fault"
                          value {
                            [type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault] {
                              delay { fixed_delay { seconds: 7 } percentage { numerator: 500000 denominator: MILLION } }
                              abort { http_status: 503 percentage { numerator: 1000 denominator: MILLION } }
                            }
                          }
                        }
                        """)),
                arguments("rewrite, header operations, mirror", vs("""
                        - route:
                          - destination: {host: reviews}
                            headers: {request: {set: {x-dest: one}}}
                          rewrite: {uri: /v2, authority: reviews.internal}
                          headers:
                            request: {set: {x-b: "2", x-a: "1"}, add: {x-c: "3"}, remove: [x-d]}
                            response: {remove: [server]}
                          mirror: {host: shadow.default.svc.cluster.local, port: {number: 8080}}
                          mirrorPercentage: {value: 25}
                        """), List.of("""
                        match { prefix: "/" }
                        route {
                          cluster: "outbound|9080||reviews.default.svc.cluster.local"
                          prefix_rewrite: "/v2"
                          host_rewrite_literal: "reviews.internal"
                          timeout {}
                        """ + DEFAULT_RETRY + """
                          request_mirror_policies {
                            cluster: "outbound|8080||shadow.default.svc.cluster.local"
                            runtime_fraction { default_value { numerator: 250000 denominator: MILLION } }
                            trace_sampled { value: false }
                          }
                          max_grpc_timeout {}
                        }
                        request_headers_to_add { header { key: "x-a" value: "1" } append_action: OVERWRITE_IF_EXISTS_OR_ADD }
                        request_headers_to_add { header { key: "x-b" value: "2" } append_action: OVERWRITE_IF_EXISTS_OR_ADD }
                        request_headers_to_add { header { key: "x-c" value: "3" } }
                        request_headers_to_remove: "x-d"
                        response_headers_to_remove: "server"
                        request_headers_to_add { header { key: "x-dest" value: "one" } append_action: OVERWRITE_IF_EXISTS_OR_ADD }
                        decorator { operation: "reviews.default.svc.cluster.local:9080/*" }
                        """)),
                arguments("redirects keeping the request's port or the scheme's, and a stat prefix", vs("""
                        - match: [{uri: {exact: /keep}, statPrefix: keep-port}]
                          redirect: {scheme: https, derivePort: FROM_REQUEST_PORT}
                        - match: [{uri: {exact: /default}}]
                          redirect: {scheme: https, derivePort: FROM_PROTOCOL_DEFAULT}
                        """), List.of("""
                        match { path: "/keep" }
                        redirect { host_redirect: "" scheme_redirect: "https" port_redirect: 9080 }
                        decorator { operation: "reviews:9080/keep" }
                        stat_prefix: "keep-port"
                        """, """
                        match { path: "/default" }
                        redirect { scheme_redirect: "https" }
                        decorator { operation: "reviews:9080/default" }
                        """)),
                arguments("redirect and CORS", vs("""
                        - match: [{uri: {exact: /old}}]
                          redirect: {uri: /new, authority: example.com, redirectCode: 308}
                        - route: [{destination: {host: reviews}}]
                          corsPolicy: {allowOrigins: [{exact: "https://a.example"}], allowMethods: [GET, POST], maxAge: 1h, allowCredentials: true}
                        """), List.of("""
                        match { path: "/old" }
                        redirect { host_redirect: "example.com" path_redirect: "/new" response_code: PERMANENT_REDIRECT }
                        decorator { operation: "reviews:9080/old" }
                        """, """
                        match { prefix: "/" }
                        route {
                          cluster: "outbound|9080||reviews.default.svc.cluster.local"
                          timeout {}
                        """ + DEFAULT_RETRY + """
                          max_grpc_timeout {}
                        }
                        decorator { operation: "reviews.default.svc.cluster.local:9080/*" }
                        typed_per_filter_config {
                          key: "envoy.filters.http.cors"
                          value {
                            [type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy] {
                              allow_origin_string_match { exact: "https://a.example" }
                              allow_methods: "GET,POST"
                              max_age: "3600"
                              allow_credentials { value: true }
                              filter_enabled { default_value { numerator: 100 } }
                            }
                          }
                        }
                        """)),
                arguments("direct responses, text and bytes", vs("""
                        - match: [{uri: {exact: /health}}]
                          directResponse: {status: 200, body: {string: ok}}
                        - directResponse: {status: 503, body: {bytes: "AAE="}}
                        """), List.of("""
                        match { path: "/health" }
                        direct_response { status: 200 body { inline_string: "ok" } }
                        decorator { operation: "reviews:9080/health" }
                        """, """
                        match { prefix: "/" }
                        direct_response { status: 503 body { inline_bytes: "\\000\\001" } }
                        decorator { operation: "reviews:9080/*" }
                        """)),
                arguments("matches on another port, gateway or workload leave no route, so the default stays", vs("""
                        - match: [{port: 9090}, {gateways: [bookinfo-gateway]}, {sourceLabels: {app: productpage}}]
                          route: [{destination: {host: reviews, subset: v2}}]
                        """), List.of("""
                        name: "default"
                        match { prefix: "/" }
                        route {
                          cluster: "outbound|9080||reviews.default.svc.cluster.local"
                          timeout {}
                        """ + DEFAULT_RETRY + """
                          max_grpc_timeout {}
                        }
                        decorator { operation: "reviews.default.svc.cluster.local:9080/*" }
                        """)),
                arguments("consistent hash of the DestinationRule: hash policy, and retries keep the host", vs("""
                        - route: [{destination: {host: reviews, subset: v1}}]
                        """) + """
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: DestinationRule
                        metadata: {name: reviews-hash, namespace: default}
                        spec:
                          host: reviews
                          trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
                          subsets: [{name: v1, labels: {version: v1}}]
                        """, List.of("""
                        match { prefix: "/" }
                        route {
                          cluster: "outbound|9080|v1|reviews.default.svc.cluster.local"
                          timeout {}
                          retry_policy {
                            retry_on: "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"
                            num_retries { value: 2 }
                            host_selection_retry_max_attempts: 5
                          }
                          hash_policy { header { header_name: "x-user" } }
                          max_grpc_timeout {}
                        }
                        decorator { operation: "reviews.default.svc.cluster.local:9080/*" }
                        """)),
                arguments("a hash cookie: path, TTL and its attributes, in order; retries told to try other hosts (despite the hash) "
                        + "and other localities", vs("""
                        - route: [{destination: {host: reviews, subset: v1}}]
                          retries: {attempts: 2, retryIgnorePreviousHosts: true, retryRemoteLocalities: true}
                        """) + """
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: DestinationRule
                        metadata: {name: reviews-hash, namespace: default}
                        spec:
                          host: reviews
                          trafficPolicy:
                            loadBalancer:
                              consistentHash:
                                httpCookie: {name: user, path: /, ttl: 60s, attributes: [{name: SameSite, value: Strict}, {name: Secure}]}
                          subsets: [{name: v1, labels: {version: v1}}]
                        """, List.of("""
                        match { prefix: "/" }
                        route {
                          cluster: "outbound|9080|v1|reviews.default.svc.cluster.local"
                          timeout {}
                          retry_policy {
                            retry_on: "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"
                            num_retries { value: 2 }
                            retry_priority {
                              name: "envoy.retry_priorities.previous_priorities"
                              typed_config {
                                [type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig] {
                                  update_frequency: 2
                                }
                              }
                            }
                            retry_host_predicate {
                              name: "envoy.retry_host_predicates.previous_hosts"
                              typed_config {
                                [type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate] {}
                              }
                            }
                            host_selection_retry_max_attempts: 5
                          }
                          hash_policy {
                            cookie {
                              name: "user" ttl { seconds: 60 } path: "/"
                              attributes { name: "SameSite" value: "Strict" }
                              attributes { name: "Secure" }
                            }
                          }
                          max_grpc_timeout {}
                        }
                        decorator { operation: "reviews.default.svc.cluster.local:9080/*" }
                        """)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sidecarCases")
    void sidecarRoutes(String name, String rules, List<String> expected) throws Exception {
        PushFixture fixture = new PushFixture().kube("reviews", "default").http(9080).and()
                .kube("shadow", "default").http(8080).and();
        if (!rules.contains("reviews-hash")) {
            fixture.istio(SUBSETS);
        }
        PushContext push = fixture.istio(rules).build();
        RouteConfiguration rc = (RouteConfiguration) new RouteGenerator().generate(Proxies.sidecar("default"), push,
                ResourceNames.of("9080")).get(0).resource();
        VirtualHost vh = rc.getVirtualHostsList().stream()
                .filter(v -> v.getName().equals("reviews.default.svc.cluster.local:9080")).findFirst().orElseThrow();
        assertEquals(parse(expected), vh.getRoutesList());
    }

    @org.junit.jupiter.api.Test
    void aSourceLabelsMatchExistsOnlyForTheWorkloadsItNames() {
        PushContext push = new PushFixture().kube("reviews", "default").http(9080).and().istio(SUBSETS).istio(vs("""
                - match: [{sourceLabels: {app: productpage}}]
                  route: [{destination: {host: reviews, subset: v2}}]
                - route: [{destination: {host: reviews, subset: v1}}]
                """)).build();
        for (var labels : List.of(java.util.Map.of("app", "productpage", "version", "v1"), java.util.Map.of("app", "ratings"))) {
            ProxyView proxy = io.pilot4j.translate.ProxyView.of(io.pilot4j.model.Proxy.fromNode(
                    "sidecar~10.0.0.1~app-1.default~default.svc.cluster.local", java.util.Map.of(), labels)).narrowedFor(push);
            RouteConfiguration rc = (RouteConfiguration) new RouteGenerator().generate(proxy, push, ResourceNames.of("9080")).get(0).resource();
            List<String> clusters = rc.getVirtualHostsList().stream().filter(v -> v.getName().startsWith("reviews."))
                    .flatMap(v -> v.getRoutesList().stream()).map(r -> r.getRoute().getCluster()).toList();
            List<String> expected = labels.get("app").equals("productpage")
                    ? List.of("outbound|9080|v2|reviews.default.svc.cluster.local", "outbound|9080|v1|reviews.default.svc.cluster.local")
                    : List.of("outbound|9080|v1|reviews.default.svc.cluster.local");
            assertEquals(expected, clusters, labels.toString());
        }
    }

    static Stream<Arguments> grpcCases() {
        return Stream.of(
                arguments("timeout as max_stream_duration, fault kept, CORS left out; a redirect or direct response aborts with its "
                        + "status (grpc-java rejects both, and a route left out would let its calls fall through)", vs("""
                        - match: [{uri: {prefix: /old}}]
                          redirect: {uri: /new}
                        - match: [{uri: {prefix: /gone}}]
                          directResponse: {status: 403, body: {string: denied}}
                        - match: [{headers: {x-tag: {exact: canary}}}]
                          route: [{destination: {host: reviews, subset: v2}}]
                          timeout: 250ms
                          fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 100}}}
                          corsPolicy: {allowOrigins: [{exact: "https://a.example"}]}
                        """), List.of(abort("/old", 301), abort("/gone", 403), """
                        match {
                          prefix: "/"
                          headers { name: "x-tag" string_match { exact: "canary" } }
                        }
                        route {
                          cluster: "outbound|9080|v2|reviews.default.svc.cluster.local"
                          timeout { nanos: 250000000 }
                        """ + DEFAULT_RETRY + """
                          max_stream_duration { max_stream_duration { nanos: 250000000 } }
                        }
                        typed_per_filter_config {
                          key: "envoy.filters.http.fault"
                          value {
                            [type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault] {
                              abort { grpc_status: 14 percentage { numerator: 1000000 denominator: MILLION } }
                            }
                          }
                        }
                        """)));
    }

    private static String abort(String prefix, int status) {
        return """
                match { prefix: "%s" }
                route { cluster: "outbound|9080||reviews.default.svc.cluster.local" }
                typed_per_filter_config {
                  key: "envoy.filters.http.fault"
                  value {
                    [type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault] {
                      abort { http_status: %d percentage { numerator: 100 } }
                    }
                  }
                }
                """.formatted(prefix, status);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grpcCases")
    void proxylessGrpcRoutes(String name, String rules, List<String> expected) throws Exception {
        PushContext push = new PushFixture().kube("reviews", "default").grpc(9080).and().istio(SUBSETS).istio(rules).build();
        String routeName = "outbound|9080||reviews.default.svc.cluster.local";
        RouteConfiguration rc = (RouteConfiguration) new GrpcRouteGenerator().generate(Proxies.grpc("default"), push,
                ResourceNames.of(routeName)).get(0).resource();
        assertEquals(parse(expected), rc.getVirtualHosts(0).getRoutesList());
    }

    private static List<Route> parse(List<String> texts) throws TextFormat.ParseException {
        List<Route> out = new ArrayList<>();
        for (String text : texts) {
            Route.Builder b = Route.newBuilder();
            TEXT.merge(text, b);
            out.add(b.build());
        }
        return out;
    }
}
