package io.pilot4j.translate.listener;

import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Resolution;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * VirtualService tls routes and tcp subnet matches in a sidecar's listeners (Istio's
 * buildSidecarOutboundTCPTLSFilterChainOpts), Istio YAML in, filter chains out, each summarised as
 * "match -> destination" (SNI hosts, destination ranges, source ranges, then the tcp_proxy's cluster or weighted
 * clusters).
 */
class TlsRoutesTest {
    private static final String SUBSETS = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: secure, namespace: default}
            spec:
              host: secure
              subsets: [{name: a, labels: {cell: a}}, {name: b, labels: {cell: b}}]
            """;

    private static String vs(String spec) {
        return """
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: secure, namespace: default}
                spec:
                  hosts: [secure, a.example.com, "*.b.example.com", b.example.com, c.example.com]
                """ + spec.indent(2);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("no VirtualService: one chain to the service's cluster, no SNI needed on its own VIP", "",
                        List.of("* -> outbound|443||secure.default.svc.cluster.local"), false),
                arguments("one chain per SNI match, in order; no default chain once a tls route matches", vs("""
                        tls:
                        - match: [{sniHosts: [a.example.com]}]
                          route: [{destination: {host: secure, subset: a}}]
                        - match: [{sniHosts: [b.example.com, "*.b.example.com"]}]
                          route: [{destination: {host: secure, subset: b}}]
                        """), List.of("sni=[a.example.com] -> outbound|443|a|secure.default.svc.cluster.local",
                        "sni=[*.b.example.com, b.example.com] -> outbound|443|b|secure.default.svc.cluster.local"), true),
                arguments("weighted destinations, and an SNI already taken is skipped", vs("""
                        tls:
                        - match: [{sniHosts: [a.example.com]}]
                          route:
                          - {destination: {host: secure, subset: a}, weight: 90}
                          - {destination: {host: secure, subset: b}, weight: 10}
                        - match: [{sniHosts: [a.example.com]}]
                          route: [{destination: {host: secure, subset: b}}]
                        """), List.of("sni=[a.example.com] -> {outbound|443|a|secure.default.svc.cluster.local=90, "
                        + "outbound|443|b|secure.default.svc.cluster.local=10}"), true),
                arguments("matches for other ports, gateways, workloads or namespaces leave the default chain", vs("""
                        tls:
                        - match:
                          - {sniHosts: [a.example.com], port: 8443}
                          - {sniHosts: [a.example.com], gateways: [istio-system/ingress]}
                          - {sniHosts: [a.example.com], sourceLabels: {app: other}}
                          - {sniHosts: [a.example.com], sourceNamespace: other}
                          route: [{destination: {host: secure, subset: a}}]
                        """), List.of("* -> outbound|443||secure.default.svc.cluster.local"), false),
                arguments("SNI hosts an earlier match took are left out of a later one, which without any is skipped", vs("""
                        tls:
                        - match: [{sniHosts: [a.example.com, b.example.com]}]
                          route: [{destination: {host: secure, subset: a}}]
                        - match: [{sniHosts: [a.example.com]}]
                          route: [{destination: {host: secure, subset: b}}]
                        - match: [{sniHosts: [b.example.com, c.example.com]}]
                          route: [{destination: {host: secure, subset: b}}]
                        """), List.of("sni=[a.example.com, b.example.com] -> outbound|443|a|secure.default.svc.cluster.local",
                        "sni=[c.example.com] -> outbound|443|b|secure.default.svc.cluster.local"), true),
                arguments("the same SNI host on other destination ranges is another match", vs("""
                        tls:
                        - match: [{sniHosts: [a.example.com], destinationSubnets: [10.1.0.0/16]}]
                          route: [{destination: {host: secure, subset: a}}]
                        - match: [{sniHosts: [a.example.com]}]
                          route: [{destination: {host: secure, subset: b}}]
                        """), List.of("sni=[a.example.com] ranges=[10.1.0.0/16] -> outbound|443|a|secure.default.svc.cluster.local",
                        "sni=[a.example.com] -> outbound|443|b|secure.default.svc.cluster.local"), true),
                arguments("destinationSubnets narrow an SNI match to those ranges", vs("""
                        tls:
                        - match: [{sniHosts: [a.example.com], destinationSubnets: [10.1.0.0/16, 10.2.3.4]}]
                          route: [{destination: {host: secure, subset: a}}]
                        """), List.of("sni=[a.example.com] ranges=[10.1.0.0/16, 10.2.3.4/32] -> "
                        + "outbound|443|a|secure.default.svc.cluster.local"), true),
                arguments("tcp routes do not apply to a TLS port, as in Istio: the tls routes decide there", vs("""
                        tcp:
                        - match: [{destinationSubnets: [10.9.0.0/16]}]
                          route: [{destination: {host: secure, subset: b}}]
                        - route: [{destination: {host: secure, subset: a}}]
                        """), List.of("* -> outbound|443||secure.default.svc.cluster.local"), false));
    }

    private static String dbVs(String tcp) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: db, namespace: default}
                spec:
                  hosts: [db]
                  tcp:
                """ + tcp.indent(2);
    }

    static Stream<Arguments> tcpCases() {
        return Stream.of(
                arguments("tcp routes on destinationSubnets, then the default chain", dbVs("""
                        - match: [{destinationSubnets: [10.9.0.0/16]}]
                          route: [{destination: {host: db, subset: b}}]
                        """), List.of("ranges=[10.9.0.0/16] -> outbound|5432|b|db.default.svc.cluster.local",
                        "* -> outbound|5432||db.default.svc.cluster.local")),
                arguments("a tcp match without subnets is terminal: no default chain after it", dbVs("""
                        - match: [{destinationSubnets: [10.9.0.0/16]}]
                          route: [{destination: {host: db, subset: b}}]
                        - match: [{port: 5432}]
                          route: [{destination: {host: db, subset: a}}]
                        """), List.of("ranges=[10.9.0.0/16] -> outbound|5432|b|db.default.svc.cluster.local",
                        "* -> outbound|5432|a|db.default.svc.cluster.local")),
                arguments("a sourceSubnet matches the client's address; the same ranges from another source are another match", dbVs("""
                        - match: [{sourceSubnet: 10.5.0.0/16}]
                          route: [{destination: {host: db, subset: a}}]
                        - match: [{sourceSubnet: 10.6.0.1, destinationSubnets: [10.9.0.0/16]}, {destinationSubnets: [10.9.0.0/16]}]
                          route: [{destination: {host: db, subset: b}}]
                        """), List.of("sources=[10.5.0.0/16] -> outbound|5432|a|db.default.svc.cluster.local",
                        "ranges=[10.9.0.0/16] -> outbound|5432|b|db.default.svc.cluster.local",
                        "ranges=[10.9.0.0/16] sources=[10.6.0.1/32] -> outbound|5432|b|db.default.svc.cluster.local",
                        "* -> outbound|5432||db.default.svc.cluster.local")),
                arguments("ranges an earlier route took are left out of a later one, which without any is skipped", dbVs("""
                        - match: [{destinationSubnets: [10.8.0.0/16, 10.9.0.0/16]}]
                          route: [{destination: {host: db, subset: a}}]
                        - match: [{destinationSubnets: [10.9.0.0/16]}]
                          route: [{destination: {host: db, subset: b}}]
                        - match: [{destinationSubnets: [10.9.0.0/16, 10.7.0.0/16]}]
                          route: [{destination: {host: db, subset: b}}]
                        - match: [{sourceSubnet: 10.5.0.0/16}]
                          route: [{destination: {host: db, subset: a}}]
                        - match: [{sourceSubnet: 10.5.0.0/16}]
                          route: [{destination: {host: db, subset: b}}]
                        """), List.of("ranges=[10.8.0.0/16, 10.9.0.0/16] -> outbound|5432|a|db.default.svc.cluster.local",
                        "ranges=[10.7.0.0/16] -> outbound|5432|b|db.default.svc.cluster.local",
                        "sources=[10.5.0.0/16] -> outbound|5432|a|db.default.svc.cluster.local",
                        "* -> outbound|5432||db.default.svc.cluster.local")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tcpCases")
    void sidecarTcpListenerChains(String name, String rules, List<String> expected) {
        PushContext push = new PushFixture().kube("db", "default").tcp(5432).vip("10.96.0.31").and().istio("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: db, namespace: default}
                spec:
                  host: db
                  subsets: [{name: a, labels: {cell: a}}, {name: b, labels: {cell: b}}]
                ---
                """ + rules).build();

        assertEquals(expected, summary(listener(Proxies.sidecar("default"), push, "10.96.0.31_5432")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sidecarTlsListenerChains(String name, String rules, List<String> expected, boolean inspector) {
        PushFixture fixture = new PushFixture().kube("secure", "default").port("https", 443, io.pilot4j.model.Protocol.HTTPS)
                .vip("10.96.0.30").and().istio(SUBSETS);
        if (!rules.isEmpty()) {
            fixture.istio(rules);
        }
        Listener l = listener(Proxies.sidecar("default"), fixture.build(), "10.96.0.30_443");

        assertEquals(expected, summary(l));
        assertEquals(inspector ? List.of(SniInspection.TLS_INSPECTOR) : List.of(),
                l.getListenerFiltersList().stream().map(f -> f.getName()).toList());
    }

    @Test
    void tlsServicesWithoutVipShareTheWildcardListenerBySni() {
        PushContext push = new PushFixture()
                .host("api.example.com", "default").port("tls", 443, io.pilot4j.model.Protocol.TLS).resolution(Resolution.DNS_LB).and()
                .host("pay.example.com", "default").port("https", 443, io.pilot4j.model.Protocol.HTTPS).resolution(Resolution.DNS_LB).and()
                .istio("""
                        apiVersion: networking.istio.io/v1
                        kind: VirtualService
                        metadata: {name: pay, namespace: default}
                        spec:
                          hosts: [pay.example.com]
                          tls:
                          - match: [{sniHosts: [pay.example.com]}]
                            route: [{destination: {host: pay.example.com}}]
                        """)
                .build();

        Listener l = listener(Proxies.sidecar("default"), push, "0.0.0.0_443");

        // api.example.com by its hostname as SNI (no VirtualService), pay.example.com by its tls route. Its route could
        // not claim api.example.com's SNI: validation refuses SNI hosts the VirtualService's hosts do not cover.
        assertEquals(List.of("sni=[api.example.com] -> outbound|443||api.example.com",
                "sni=[pay.example.com] -> outbound|443||pay.example.com"), summary(l));
        assertEquals(SniInspection.TLS_INSPECTOR, l.getListenerFilters(0).getName());
    }

    @Test
    void sourceLabelsSelectTheWorkloadsATlsMatchIsFor() {
        PushFixture fixture = new PushFixture().kube("secure", "default").port("https", 443, io.pilot4j.model.Protocol.HTTPS)
                .vip("10.96.0.30").and().istio(SUBSETS).istio(vs("""
                        tls:
                        - match: [{sniHosts: [a.example.com], sourceLabels: {app: canary}}]
                          route: [{destination: {host: secure, subset: b}}]
                        - match: [{sniHosts: [a.example.com]}]
                          route: [{destination: {host: secure, subset: a}}]
                        """));
        PushContext push = fixture.build();

        assertEquals(List.of("sni=[a.example.com] -> outbound|443|b|secure.default.svc.cluster.local"),
                summary(listener(Proxies.sidecar("default", Map.of("app", "canary"), io.pilot4j.model.Locality.NONE), push, "10.96.0.30_443")));
        assertEquals(List.of("sni=[a.example.com] -> outbound|443|a|secure.default.svc.cluster.local"),
                summary(listener(Proxies.sidecar("default", Map.of("app", "web"), io.pilot4j.model.Locality.NONE), push, "10.96.0.30_443")));
    }

    private static Listener listener(ProxyView proxy, PushContext push, String name) {
        return (Listener) new ListenerGenerator().generate(proxy, push, ResourceNames.of(name)).get(0).resource();
    }

    private static List<String> summary(Listener l) {
        List<String> out = new ArrayList<>();
        for (FilterChain c : l.getFilterChainsList()) {
            List<String> match = new ArrayList<>();
            if (c.getFilterChainMatch().getServerNamesCount() > 0) {
                match.add("sni=" + c.getFilterChainMatch().getServerNamesList());
            }
            if (c.getFilterChainMatch().getPrefixRangesCount() > 0) {
                match.add("ranges=" + c.getFilterChainMatch().getPrefixRangesList().stream()
                        .map(r -> r.getAddressPrefix() + "/" + r.getPrefixLen().getValue()).toList());
            }
            if (c.getFilterChainMatch().getSourcePrefixRangesCount() > 0) {
                match.add("sources=" + c.getFilterChainMatch().getSourcePrefixRangesList().stream()
                        .map(r -> r.getAddressPrefix() + "/" + r.getPrefixLen().getValue()).toList());
            }
            TcpProxy tcp;
            try {
                tcp = c.getFilters(0).getTypedConfig().unpack(TcpProxy.class);
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
            String to = tcp.hasWeightedClusters()
                    ? tcp.getWeightedClusters().getClustersList().stream().map(w -> w.getName() + "=" + w.getWeight()).toList().toString()
                    .replace('[', '{').replace(']', '}')
                    : tcp.getCluster();
            out.add((match.isEmpty() ? "*" : String.join(" ", match)) + " -> " + to);
        }
        return out;
    }
}
