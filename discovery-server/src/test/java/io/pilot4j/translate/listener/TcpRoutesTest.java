package io.pilot4j.translate.listener;

import com.google.protobuf.TextFormat;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** TCP routes of a VirtualService in a sidecar's TCP listener, Istio YAML in, tcp_proxy out. */
class TcpRoutesTest {
    private static final String SUBSETS = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: mysql, namespace: default}
            spec:
              host: mysql
              subsets: [{name: primary, labels: {role: primary}}, {name: replica, labels: {role: replica}}]
            """;

    private static String vs(String tcp) {
        return """
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: mysql, namespace: default}
                spec:
                  hosts: [mysql]
                  tcp:
                """ + tcp.indent(2);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("no VirtualService: the service's cluster", "", """
                        stat_prefix: "outbound|3306||mysql.default.svc.cluster.local"
                        cluster: "outbound|3306||mysql.default.svc.cluster.local"
                        """),
                arguments("one destination: its subset's cluster", vs("""
                        - route: [{destination: {host: mysql, subset: primary}}]
                        """), """
                        stat_prefix: "outbound|3306|primary|mysql.default.svc.cluster.local"
                        cluster: "outbound|3306|primary|mysql.default.svc.cluster.local"
                        """),
                arguments("a split: weighted clusters under the VirtualService's name", vs("""
                        - match: [{port: 3306}]
                          route:
                          - {destination: {host: mysql, subset: primary}, weight: 70}
                          - {destination: {host: mysql, subset: replica}, weight: 30}
                        """), """
                        stat_prefix: "mysql.default"
                        weighted_clusters {
                          clusters { name: "outbound|3306|primary|mysql.default.svc.cluster.local" weight: 70 }
                          clusters { name: "outbound|3306|replica|mysql.default.svc.cluster.local" weight: 30 }
                        }
                        """),
                arguments("first route whose match fits: another port's route is passed over", vs("""
                        - match: [{port: 3307}]
                          route: [{destination: {host: mysql, subset: replica}}]
                        - match: [{sourceLabels: {app: reporting}}]
                          route: [{destination: {host: mysql, subset: replica}}]
                        - route: [{destination: {host: mysql, subset: primary}}]
                        """), """
                        stat_prefix: "outbound|3306|primary|mysql.default.svc.cluster.local"
                        cluster: "outbound|3306|primary|mysql.default.svc.cluster.local"
                        """));
    }

    private static final String TCP_RULE = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: mysql, namespace: default}
            spec:
              host: mysql
              trafficPolicy:
                connectionPool: {tcp: {idleTimeout: 30m, maxConnectionDuration: 2h}}
                loadBalancer: {consistentHash: {useSourceIp: true}}
              subsets:
              - {name: primary, labels: {role: primary}}
              - {name: replica, labels: {role: replica}, trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}}
            """;

    static Stream<Arguments> destinationRuleCases() {
        return Stream.of(
                arguments("the service's own cluster: idle timeout, connection duration and source IP hash", "", """
                        stat_prefix: "outbound|3306||mysql.default.svc.cluster.local"
                        cluster: "outbound|3306||mysql.default.svc.cluster.local"
                        idle_timeout { seconds: 1800 }
                        max_downstream_connection_duration { seconds: 7200 }
                        hash_policy { source_ip {} }
                        """),
                arguments("a subset whose own load balancer replaces the hash", vs("""
                        - route: [{destination: {host: mysql, subset: replica}}]
                        """), """
                        stat_prefix: "outbound|3306|replica|mysql.default.svc.cluster.local"
                        cluster: "outbound|3306|replica|mysql.default.svc.cluster.local"
                        idle_timeout { seconds: 1800 }
                        max_downstream_connection_duration { seconds: 7200 }
                        """),
                arguments("a split: the host's rule, for no subset", vs("""
                        - route:
                          - {destination: {host: mysql, subset: primary}, weight: 50}
                          - {destination: {host: mysql, subset: replica}, weight: 50}
                        """), """
                        stat_prefix: "mysql.default"
                        weighted_clusters {
                          clusters { name: "outbound|3306|primary|mysql.default.svc.cluster.local" weight: 50 }
                          clusters { name: "outbound|3306|replica|mysql.default.svc.cluster.local" weight: 50 }
                        }
                        idle_timeout { seconds: 1800 }
                        max_downstream_connection_duration { seconds: 7200 }
                        hash_policy { source_ip {} }
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("destinationRuleCases")
    void tcpProxyTakesTheDestinationRulesTcpSettings(String name, String rules, String expected) throws Exception {
        assertTcpProxy(TCP_RULE, rules, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tcpListenerProxiesAsTheVirtualServiceSays(String name, String rules, String expected) throws Exception {
        assertTcpProxy(SUBSETS, rules, expected);
    }

    /** The tcp_proxy of mysql's listener, given its DestinationRule and {@code rules} beside it. */
    private static void assertTcpProxy(String destinationRule, String rules, String expected) throws Exception {
        PushFixture fixture = new PushFixture().kube("mysql", "default").tcp(3306).vip("10.96.0.20").and().istio(destinationRule);
        if (!rules.isEmpty()) {
            fixture.istio(rules);
        }
        PushContext push = fixture.build();
        Listener l = (Listener) new ListenerGenerator().generate(Proxies.sidecar("default"), push, ResourceNames.of("10.96.0.20_3306"))
                .get(0).resource();
        TcpProxy.Builder want = TcpProxy.newBuilder();
        TextFormat.merge(expected, want);
        assertEquals(want.build(), l.getFilterChains(0).getFilters(0).getTypedConfig().unpack(TcpProxy.class));
    }
}
