package io.pilot4j.translate.endpoint;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.mesh.MeshConfigException;
import io.pilot4j.mesh.MeshConfigParser;
import io.pilot4j.model.Locality;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.cluster.OutboundCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Locality load balancing, Istio YAML (DestinationRule, mesh config) and the proxy's locality in, the
 * ClusterLoadAssignment out: priorities and weights per locality group, as Istio's ApplyLocalityLoadBalancer makes
 * them. The proxy runs in us-east/a/r1; reviews has one endpoint in each of five localities.
 */
class LocalityLoadBalancerTest {
    private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";
    private static final Locality PROXY = new Locality("us-east", "a", "r1");
    private static final String OUTLIER = "outlierDetection: {consecutive5xxErrors: 5}";

    private static PushContext push(String meshYaml, String ruleSpec, Resolution resolution) {
        PushFixture fixture = new PushFixture().kube("reviews", "default").http(9080).resolution(resolution)
                .endpoint("10.0.0.1", 9080, "http-9080", Map.of("version", "v1"), Locality.parse("us-east/a/r1"))
                .endpoint("10.0.0.2", 9080, "http-9080", Map.of("version", "v2"), Locality.parse("us-east/a/r2"))
                .endpoint("10.0.0.3", 9080, "http-9080", Map.of("version", "v1"), Locality.parse("us-east/b"))
                .endpoint("10.0.0.4", 9080, "http-9080", Map.of("version", "v1"), Locality.parse("us-west/c"))
                .endpoint("10.0.0.5", 9080, "http-9080", Map.of("version", "v2"), Locality.parse("eu-west/d"))
                .and();
        if (!ruleSpec.isEmpty()) {
            fixture.istio("""
                    apiVersion: networking.istio.io/v1
                    kind: DestinationRule
                    metadata: {name: reviews, namespace: default}
                    spec:
                      host: reviews
                      trafficPolicy:
                    """ + ruleSpec.indent(4));
        }
        return fixture.mesh(mesh(meshYaml)).build();
    }

    private static MeshConfig mesh(String yaml) {
        if (yaml.isEmpty()) {
            return MeshConfig.defaults();
        }
        try {
            return MeshConfigParser.parse(yaml, "test mesh").config();
        } catch (MeshConfigException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A locality group as EDS sends it: endpoints on port 9080 of weight 1. */
    private static LocalityLbEndpoints group(String locality, int priority, int weight, String... addresses) {
        Locality l = Locality.parse(locality);
        LocalityLbEndpoints.Builder g = LocalityLbEndpoints.newBuilder()
                .setLocality(io.envoyproxy.envoy.config.core.v3.Locality.newBuilder()
                        .setRegion(l.region()).setZone(l.zone()).setSubZone(l.subzone()))
                .setPriority(priority)
                .setLoadBalancingWeight(UInt32Value.of(weight));
        for (String address : addresses) {
            g.addLbEndpoints(LbEndpoint.newBuilder()
                    .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                            .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                                    .setAddress(address).setPortValue(9080))))
                    .setHealthStatus(HealthStatus.HEALTHY)
                    .setLoadBalancingWeight(UInt32Value.of(1)));
        }
        return g.build();
    }

    /** Every group in locality order, all at priority 0: what a proxy gets without locality load balancing. */
    private static List<LocalityLbEndpoints> flat() {
        return List.of(group("eu-west/d", 0, 1, "10.0.0.5"), group("us-east/a/r1", 0, 1, "10.0.0.1"),
                group("us-east/a/r2", 0, 1, "10.0.0.2"), group("us-east/b", 0, 1, "10.0.0.3"),
                group("us-west/c", 0, 1, "10.0.0.4"));
    }

    static Stream<Arguments> assignments() {
        return Stream.of(
                arguments("outlier detection alone: the mesh's default setting fails over subzone, zone, region, others",
                        "", OUTLIER, Map.of(), List.of(
                                group("eu-west/d", 3, 1, "10.0.0.5"), group("us-east/a/r1", 0, 1, "10.0.0.1"),
                                group("us-east/a/r2", 1, 1, "10.0.0.2"), group("us-east/b", 2, 1, "10.0.0.3"),
                                group("us-west/c", 3, 1, "10.0.0.4"))),
                arguments("explicit failover: the named region before the other regions",
                        "", OUTLIER + "\nloadBalancer: {localityLbSetting: {failover: [{from: us-east, to: eu-west}]}}", Map.of(),
                        List.of(group("eu-west/d", 3, 1, "10.0.0.5"), group("us-east/a/r1", 0, 1, "10.0.0.1"),
                                group("us-east/a/r2", 1, 1, "10.0.0.2"), group("us-east/b", 2, 1, "10.0.0.3"),
                                group("us-west/c", 4, 1, "10.0.0.4"))),
                arguments("failover from another region than the proxy's changes nothing",
                        "", OUTLIER + "\nloadBalancer: {localityLbSetting: {failover: [{from: us-west, to: eu-west}]}}", Map.of(),
                        List.of(group("eu-west/d", 3, 1, "10.0.0.5"), group("us-east/a/r1", 0, 1, "10.0.0.1"),
                                group("us-east/a/r2", 1, 1, "10.0.0.2"), group("us-east/b", 2, 1, "10.0.0.3"),
                                group("us-west/c", 3, 1, "10.0.0.4"))),
                arguments("failoverPriority on a workload label: endpoints sharing the proxy's version first",
                        "", OUTLIER + "\nloadBalancer: {localityLbSetting: {failoverPriority: [version]}}", Map.of("version", "v1"),
                        List.of(group("eu-west/d", 1, 1, "10.0.0.5"), group("us-east/a/r1", 0, 1, "10.0.0.1"),
                                group("us-east/a/r2", 1, 1, "10.0.0.2"), group("us-east/b", 0, 1, "10.0.0.3"),
                                group("us-west/c", 0, 1, "10.0.0.4"))),
                arguments("failoverPriority on a pinned value: version=v2 first, whatever the proxy's",
                        "", OUTLIER + "\nloadBalancer: {localityLbSetting: {failoverPriority: [version=v2]}}", Map.of("version", "v1"),
                        List.of(group("eu-west/d", 0, 1, "10.0.0.5"), group("us-east/a/r1", 1, 1, "10.0.0.1"),
                                group("us-east/a/r2", 0, 1, "10.0.0.2"), group("us-east/b", 1, 1, "10.0.0.3"),
                                group("us-west/c", 1, 1, "10.0.0.4"))),
                arguments("failoverPriority on topology labels, which locality gives proxies and endpoints",
                        "", OUTLIER + "\nloadBalancer: {localityLbSetting: {failoverPriority: "
                                + "[topology.kubernetes.io/region, topology.kubernetes.io/zone]}}", Map.of(),
                        List.of(group("eu-west/d", 2, 1, "10.0.0.5"), group("us-east/a/r1", 0, 1, "10.0.0.1"),
                                group("us-east/a/r2", 0, 1, "10.0.0.2"), group("us-east/b", 1, 1, "10.0.0.3"),
                                group("us-west/c", 2, 1, "10.0.0.4"))),
                arguments("failoverPriority with failover: labels first, then regions under them",
                        "", OUTLIER + "\nloadBalancer: {localityLbSetting: {failoverPriority: [version], "
                                + "failover: [{from: us-east, to: us-west}]}}", Map.of("version", "v1"),
                        List.of(group("eu-west/d", 4, 1, "10.0.0.5"), group("us-east/a/r1", 0, 1, "10.0.0.1"),
                                group("us-east/a/r2", 3, 1, "10.0.0.2"), group("us-east/b", 1, 1, "10.0.0.3"),
                                group("us-west/c", 2, 1, "10.0.0.4"))),
                arguments("distribute: the first matching from sets weights; a wildcard shares its weight; the rest is dropped",
                        "", "loadBalancer: {localityLbSetting: {distribute: ["
                                + "{from: us-west/*, to: {us-west/*: 100}}, "
                                + "{from: us-east/a/*, to: {us-east/a/*: 80, us-west/*: 20}}]}}", Map.of(),
                        List.of(group("eu-west/d", 0, 1), group("us-east/a/r1", 0, 40, "10.0.0.1"),
                                group("us-east/a/r2", 0, 40, "10.0.0.2"), group("us-east/b", 0, 1),
                                group("us-west/c", 0, 20, "10.0.0.4"))),
                arguments("distribute from the mesh applies without any DestinationRule",
                        "localityLbSetting: {distribute: [{from: us-east/*, to: {us-east/a/r1: 75, eu-west: 25}}]}", "", Map.of(),
                        List.of(group("eu-west/d", 0, 25, "10.0.0.5"), group("us-east/a/r1", 0, 75, "10.0.0.1"),
                                group("us-east/a/r2", 0, 1), group("us-east/b", 0, 1), group("us-west/c", 0, 1))),
                arguments("distribute whose from matches no proxy locality changes nothing",
                        "localityLbSetting: {distribute: [{from: eu-west/*, to: {eu-west/*: 100}}]}", "", Map.of(), flat()),
                arguments("enabled: false in the rule, with outlier detection: no priorities",
                        "", OUTLIER + "\nloadBalancer: {localityLbSetting: {enabled: false}}", Map.of(), flat()),
                arguments("enabled: false in the mesh, with outlier detection: no priorities",
                        "localityLbSetting: {enabled: false}", OUTLIER, Map.of(), flat()),
                arguments("the rule's setting replaces a disabled mesh's",
                        "localityLbSetting: {enabled: false}", OUTLIER + "\nloadBalancer: {localityLbSetting: {enabled: true}}",
                        Map.of(), List.of(
                                group("eu-west/d", 3, 1, "10.0.0.5"), group("us-east/a/r1", 0, 1, "10.0.0.1"),
                                group("us-east/a/r2", 1, 1, "10.0.0.2"), group("us-east/b", 2, 1, "10.0.0.3"),
                                group("us-west/c", 3, 1, "10.0.0.4"))),
                arguments("failover without outlier detection: no priorities (Envoy would never leave priority 0)",
                        "", "loadBalancer: {localityLbSetting: {failover: [{from: us-east, to: eu-west}]}}", Map.of(), flat()),
                arguments("no DestinationRule: no outlier detection, no priorities", "", "", Map.of(), flat()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("assignments")
    void assignment(String name, String meshYaml, String ruleSpec, Map<String, String> proxyLabels, List<LocalityLbEndpoints> expected) {
        ProxyView proxy = Proxies.sidecar("default", proxyLabels, PROXY);
        ClusterLoadAssignment out = (ClusterLoadAssignment) new EndpointGenerator()
                .generate(proxy, push(meshYaml, ruleSpec, Resolution.CLIENT_SIDE_LB), ResourceNames.of(REVIEWS)).get(0).resource();
        assertEquals(ClusterLoadAssignment.newBuilder().setClusterName(REVIEWS).addAllEndpoints(expected).build(), out);
    }

    @Test
    void aDnsClusterCarriesTheSamePrioritiesInline() {
        PushContext push = push("", OUTLIER, Resolution.DNS_LB);
        Service reviews = push.service("reviews.default.svc.cluster.local").orElseThrow();
        Cluster c = OutboundCluster.build(Proxies.sidecar("default", Map.of(), PROXY), push, reviews, reviews.ports().get(0)).orElseThrow();
        assertEquals(List.of(
                group("eu-west/d", 3, 1, "10.0.0.5"), group("us-east/a/r1", 0, 1, "10.0.0.1"),
                group("us-east/a/r2", 1, 1, "10.0.0.2"), group("us-east/b", 2, 1, "10.0.0.3"),
                group("us-west/c", 3, 1, "10.0.0.4")), c.getLoadAssignment().getEndpointsList());
    }

    static Stream<Arguments> clusters() {
        return Stream.of(
                arguments("distribute", "", "loadBalancer: {localityLbSetting: {distribute: [{from: us-east/*, to: {us-east/*: 100}}]}}", true),
                arguments("distribute from the mesh, no rule", "localityLbSetting: {distribute: [{from: '*', to: {'*': 100}}]}", "", true),
                arguments("explicit failover with outlier detection", "",
                        OUTLIER + "\nloadBalancer: {localityLbSetting: {failover: [{from: us-east, to: eu-west}]}}", true),
                arguments("failoverPriority with outlier detection", "",
                        OUTLIER + "\nloadBalancer: {localityLbSetting: {failoverPriority: [version]}}", true),
                arguments("default failover: Istio leaves the config out", "", OUTLIER, false),
                arguments("explicit failover without outlier detection", "",
                        "loadBalancer: {localityLbSetting: {failover: [{from: us-east, to: eu-west}]}}", false),
                arguments("distribute, disabled", "", "loadBalancer: {localityLbSetting: {enabled: false, "
                        + "distribute: [{from: us-east/*, to: {us-east/*: 100}}]}}", false));
    }

    /** Istio's ApplyToCluster: Envoy weighs localities only with locality_weighted_lb_config. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("clusters")
    void localityWeightedLbConfig(String name, String meshYaml, String ruleSpec, boolean weighted) {
        PushContext push = push(meshYaml, ruleSpec, Resolution.CLIENT_SIDE_LB);
        Service reviews = push.service("reviews.default.svc.cluster.local").orElseThrow();
        Cluster c = OutboundCluster.build(Proxies.sidecar("default", Map.of(), PROXY), push, reviews, reviews.ports().get(0)).orElseThrow();
        assertEquals(weighted, c.getCommonLbConfig().hasLocalityWeightedLbConfig(), c.getCommonLbConfig().toString());
    }

    @Test
    void localityMattersOnlyWhereSomeSettingCanUseIt() {
        assertFalse(push("", "", Resolution.CLIENT_SIDE_LB).localityMatters(), "no rule, mesh without distribute");
        assertFalse(push("", "connectionPool: {tcp: {maxConnections: 5}}", Resolution.CLIENT_SIDE_LB).localityMatters(),
                "a rule without outlier detection or distribute");
        assertFalse(push("localityLbSetting: {enabled: false}", OUTLIER, Resolution.CLIENT_SIDE_LB).localityMatters(),
                "outlier detection with locality load balancing off");
        assertTrue(push("", OUTLIER, Resolution.CLIENT_SIDE_LB).localityMatters(), "outlier detection: default failover");
        assertTrue(push("localityLbSetting: {distribute: [{from: '*', to: {'*': 100}}]}", "", Resolution.CLIENT_SIDE_LB)
                .localityMatters(), "the mesh's distribute");
    }
}
