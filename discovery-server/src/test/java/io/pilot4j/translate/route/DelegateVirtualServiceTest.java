package io.pilot4j.translate.route;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Delegate VirtualServices, Istio YAML in and the sidecar's routes of {@code reviews:9080} out, summarised per route as
 * "name: match -> cluster" so each row shows what the merge did to matches, names and destinations.
 */
class DelegateVirtualServiceTest {
    private static final String SERVICES_AND_SUBSETS = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: default}
            spec:
              host: reviews.default.svc.cluster.local
              exportTo: ["*"]
              subsets:
              - {name: v1, labels: {version: v1}}
              - {name: v2, labels: {version: v2}}
            """;

    private static String root(String http) {
        return """
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews-root, namespace: default}
                spec:
                  hosts: [reviews]
                  http:
                """ + http.indent(2);
    }

    /** A delegate {@code team/reviews-team}, exported everywhere unless the YAML says otherwise. */
    private static String delegate(String spec) {
        return """
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews-team, namespace: team}
                spec:
                """ + spec.indent(2);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("the delegate's routes replace the root route, in order, before the root's next route",
                        root("""
                                - name: team
                                  match: [{uri: {prefix: /reviews}}]
                                  delegate: {name: reviews-team, namespace: team}
                                - name: rest
                                  route: [{destination: {host: reviews, subset: v1}}]
                                """) + delegate("""
                                http:
                                - name: v2
                                  match: [{uri: {prefix: /reviews/v2}}]
                                  route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]
                                - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v1}}]
                                """),
                        List.of("team-v2: prefix=/reviews/v2 -> outbound|9080|v2|reviews.default.svc.cluster.local",
                                "team: prefix=/reviews -> outbound|9080|v1|reviews.default.svc.cluster.local",
                                "rest: prefix=/ -> outbound|9080|v1|reviews.default.svc.cluster.local")),
                arguments("root and delegate headers combine; a delegate path outside the root's prefix is dropped",
                        root("""
                                - match: [{uri: {prefix: /api}, headers: {end-user: {exact: jason}}}]
                                  delegate: {name: reviews-team, namespace: team}
                                """) + delegate("""
                                http:
                                - match: [{uri: {exact: /api/reviews}, headers: {x-canary: {exact: "1"}}}]
                                  route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]
                                - match: [{uri: {prefix: /other}}]
                                  route: [{destination: {host: reviews.default.svc.cluster.local, subset: v1}}]
                                """),
                        List.of(": path=/api/reviews headers=[end-user, x-canary] -> outbound|9080|v2|reviews.default.svc.cluster.local")),
                arguments("the delegate's namespace defaults to the root's, and short hosts expand in the delegate's",
                        root("""
                                - delegate: {name: reviews-local}
                                """) + """
                                ---
                                apiVersion: networking.istio.io/v1
                                kind: VirtualService
                                metadata: {name: reviews-local, namespace: default}
                                spec:
                                  http: [{route: [{destination: {host: reviews, subset: v2}}]}]
                                """,
                        List.of(": prefix=/ -> outbound|9080|v2|reviews.default.svc.cluster.local")),
                arguments("a delegate not exported to the root's namespace is not used",
                        root("""
                                - delegate: {name: reviews-team, namespace: team}
                                - route: [{destination: {host: reviews, subset: v1}}]
                                """) + delegate("""
                                exportTo: ["."]
                                http: [{route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]}]
                                """),
                        List.of(": prefix=/ -> outbound|9080|v1|reviews.default.svc.cluster.local")),
                arguments("the root route's timeout and fault fill what the delegate leaves unset",
                        root("""
                                - timeout: 3s
                                  delegate: {name: reviews-team, namespace: team}
                                """) + delegate("""
                                http:
                                - match: [{uri: {prefix: /slow}}]
                                  timeout: 9s
                                  route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]
                                - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v1}}]
                                """),
                        List.of(": prefix=/slow timeout=9s -> outbound|9080|v2|reviews.default.svc.cluster.local",
                                ": prefix=/ timeout=3s -> outbound|9080|v1|reviews.default.svc.cluster.local")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void delegateRoutesMergeIntoTheRoot(String name, String rules, List<String> expected) {
        assertEquals(expected, routes(push(rules)));
    }

    @Test
    void droppedRoutesAreReportedWithTheRootsNameAndField() {
        PushContext push = push(root("""
                - match: [{uri: {prefix: /api}}]
                  delegate: {name: reviews-team, namespace: team}
                - delegate: {name: missing}
                """) + delegate("""
                http: [{match: [{uri: {regex: "/api/.*"}}], route: [{destination: {host: reviews.default.svc.cluster.local}}]}]
                """));

        assertEquals(List.of(
                "analysis VirtualService default/reviews-root: spec.http[0].delegate: route http[0] of delegate team/reviews-team matches "
                        + "nothing that spec.http[0].match allows; that route is dropped",
                "analysis VirtualService default/reviews-root: spec.http[1].delegate: VirtualService default/missing is not a delegate "
                        + "(a VirtualService without hosts) that exists; the route is dropped"),
                push.ruleAnalysis().stream().map(ConfigError::toString).toList());
        // With nothing left to route, the host falls back to its default route, as a host without VirtualService does.
        assertEquals(List.of("default: prefix=/ -> outbound|9080||reviews.default.svc.cluster.local"), routes(push));
    }

    @Test
    void aDelegateAloneRoutesNothing() {
        PushContext push = push(delegate("""
                http: [{route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]}]
                """));

        assertEquals(List.of("default: prefix=/ -> outbound|9080||reviews.default.svc.cluster.local"), routes(push));
        assertEquals(List.of(), push.ruleAnalysis());
    }

    private static PushContext push(String rules) {
        return new PushFixture().kube("reviews", "default").http(9080).and()
                .istio(SERVICES_AND_SUBSETS).istio(rules).build();
    }

    private static List<String> routes(PushContext push) {
        RouteConfiguration rc = (RouteConfiguration) new RouteGenerator().generate(Proxies.sidecar("default"), push,
                ResourceNames.of("9080")).get(0).resource();
        return rc.getVirtualHostsList().stream()
                .filter(v -> v.getName().equals("reviews.default.svc.cluster.local:9080"))
                .flatMap(v -> v.getRoutesList().stream())
                .map(DelegateVirtualServiceTest::summary)
                .toList();
    }

    private static String summary(Route r) {
        StringBuilder sb = new StringBuilder(r.getName()).append(": ");
        var m = r.getMatch();
        switch (m.getPathSpecifierCase()) {
            case PREFIX -> sb.append("prefix=").append(m.getPrefix());
            case PATH -> sb.append("path=").append(m.getPath());
            case SAFE_REGEX -> sb.append("regex=").append(m.getSafeRegex().getRegex());
            default -> sb.append(m.getPathSpecifierCase());
        }
        if (m.getHeadersCount() > 0) {
            sb.append(" headers=").append(m.getHeadersList().stream().map(h -> h.getName()).toList());
        }
        if (r.getRoute().hasTimeout() && r.getRoute().getTimeout().getSeconds() > 0) {
            sb.append(" timeout=").append(r.getRoute().getTimeout().getSeconds()).append('s');
        }
        return sb.append(" -> ").append(r.getRoute().getCluster()).toString();
    }
}
