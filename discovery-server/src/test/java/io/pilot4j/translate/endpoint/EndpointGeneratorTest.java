package io.pilot4j.translate.endpoint;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Resolution;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EndpointGeneratorTest {
    private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";
    private static final Locality WEST_A = new Locality("us-west", "a", "");
    private static final Locality WEST_B = new Locality("us-west", "b", "rack1");

    private final EndpointGenerator eds = new EndpointGenerator();
    private final ProxyView sidecar = Proxies.sidecar("default");

    private static PushContext reviews() {
        return new PushFixture().kube("reviews", "default").http(9080).vip("10.96.0.10")
                .endpoint("10.1.0.9", 9080, "http-9080", WEST_B, 1, HealthStatus.HEALTHY)
                .endpoint("10.1.0.2", 9080, "http-9080", WEST_A, 3, HealthStatus.HEALTHY)
                .endpoint("10.1.0.1", 9081, "http-9080", WEST_A, 1, HealthStatus.HEALTHY)
                .endpoint("10.1.0.1", 9080, "http-9080", WEST_A, 2, HealthStatus.HEALTHY)
                .endpoint("10.1.0.3", 9080, "http-9080", WEST_A, 5, HealthStatus.UNHEALTHY)
                .endpoint("10.1.0.4", 9080, "http-9080", WEST_B, 5, HealthStatus.DRAINING)
                .build();
    }

    private static LbEndpoint lb(String address, int port, int weight) {
        return LbEndpoint.newBuilder()
                .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                        .setAddress(Address.newBuilder().setSocketAddress(
                                SocketAddress.newBuilder().setAddress(address).setPortValue(port))))
                .setHealthStatus(io.envoyproxy.envoy.config.core.v3.HealthStatus.HEALTHY)
                .setLoadBalancingWeight(UInt32Value.of(weight))
                .build();
    }

    @Test
    void groupsHealthyEndpointsPerLocalityWithSummedWeights() {
        List<XdsResource> out = eds.generate(sidecar, reviews(), ResourceNames.of(REVIEWS));

        ClusterLoadAssignment expected = ClusterLoadAssignment.newBuilder()
                .setClusterName(REVIEWS)
                .addEndpoints(LocalityLbEndpoints.newBuilder()
                        .setLocality(io.envoyproxy.envoy.config.core.v3.Locality.newBuilder().setRegion("us-west").setZone("a"))
                        .addLbEndpoints(lb("10.1.0.1", 9080, 2))
                        .addLbEndpoints(lb("10.1.0.1", 9081, 1))
                        .addLbEndpoints(lb("10.1.0.2", 9080, 3))
                        .setLoadBalancingWeight(UInt32Value.of(6)))
                .addEndpoints(LocalityLbEndpoints.newBuilder()
                        .setLocality(io.envoyproxy.envoy.config.core.v3.Locality.newBuilder()
                                .setRegion("us-west").setZone("b").setSubZone("rack1"))
                        .addLbEndpoints(lb("10.1.0.9", 9080, 1))
                        .setLoadBalancingWeight(UInt32Value.of(1)))
                .build();
        assertEquals(List.of(new XdsResource(REVIEWS, expected)), out);
    }

    @Test
    void endpointsWithoutLocalityFormOneWeightedGroup() {
        PushContext push = new PushFixture().kube("ratings", "default").http(9080)
                .endpoint("10.1.0.1", 9080, "http-9080").endpoint("10.1.0.2", 9080, "http-9080").build();
        String name = "outbound|9080||ratings.default.svc.cluster.local";

        ClusterLoadAssignment cla = (ClusterLoadAssignment) eds.generate(sidecar, push, ResourceNames.of(name)).get(0).resource();

        assertEquals(1, cla.getEndpointsCount());
        assertEquals(io.envoyproxy.envoy.config.core.v3.Locality.getDefaultInstance(), cla.getEndpoints(0).getLocality());
        assertEquals(2, cla.getEndpoints(0).getLoadBalancingWeight().getValue());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "outbound|9080||unknown.default.svc.cluster.local",   // unknown service
            "outbound|9999||reviews.default.svc.cluster.local",   // unknown port
            "outbound|9080|v1|reviews.default.svc.cluster.local", // a subset no DestinationRule defines
            "inbound|9080||reviews.default.svc.cluster.local",    // inbound clusters are not generated
    })
    void answersUnknownClustersWithAnEmptyAssignment(String name) {
        List<XdsResource> out = eds.generate(sidecar, reviews(), ResourceNames.of(name));

        assertEquals(List.of(new XdsResource(name, ClusterLoadAssignment.newBuilder().setClusterName(name).build())), out);
    }

    @Test
    void skipsNamesThatAreNotClusterNames() {
        List<XdsResource> out = eds.generate(sidecar, reviews(), ResourceNames.of("PassthroughCluster", "9080", REVIEWS));

        assertEquals(List.of(REVIEWS), out.stream().map(XdsResource::name).toList());
    }

    @Test
    void serviceHiddenByExportToHasNoEndpoints() {
        PushContext push = new PushFixture().kube("secret", "vault").http(8200).exportTo(".")
                .endpoint("10.2.0.1", 8200, "http-8200").build();
        String name = "outbound|8200||secret.vault.svc.cluster.local";

        ClusterLoadAssignment fromOutside = (ClusterLoadAssignment) eds.generate(sidecar, push, ResourceNames.of(name)).get(0).resource();
        ClusterLoadAssignment fromInside = (ClusterLoadAssignment) eds.generate(Proxies.sidecar("vault"), push, ResourceNames.of(name)).get(0).resource();

        assertEquals(0, fromOutside.getEndpointsCount());
        assertEquals(1, fromInside.getEndpointsCount());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"DNS_LB", "DNS_ROUND_ROBIN_LB"})
    void dnsServicesCarryEndpointsInTheirClusterNotInEds(String resolution) {
        PushContext push = new PushFixture().host("api.example.com", "default").http(443)
                .resolution(Resolution.valueOf(resolution)).endpoint("api.example.com", 443, "http-443").build();
        String name = "outbound|443||api.example.com";

        ClusterLoadAssignment cla = (ClusterLoadAssignment) eds.generate(sidecar, push, ResourceNames.of(name)).get(0).resource();

        assertEquals(0, cla.getEndpointsCount());
    }

    @Test
    void passthroughServicesServeTheirEndpointsForGatewaysAndGrpc() {
        PushContext push = new PushFixture().kube("db", "default").tcp(5432).resolution(Resolution.PASSTHROUGH)
                .endpoint("10.3.0.1", 5432, "tcp-5432").build();
        String name = "outbound|5432||db.default.svc.cluster.local";

        ClusterLoadAssignment cla = (ClusterLoadAssignment) eds.generate(Proxies.router("istio-system"), push, ResourceNames.of(name)).get(0).resource();

        assertEquals(List.of(lb("10.3.0.1", 5432, 1)), cla.getEndpoints(0).getLbEndpointsList());
    }

    @Test
    void endpointsOfOtherPortsAreNotMixedIn() {
        PushContext push = new PushFixture().kube("multi", "default").http(80).grpc(9090)
                .endpoint("10.4.0.1", 8080, "http-80").endpoint("10.4.0.1", 9090, "grpc-9090").build();

        ClusterLoadAssignment cla = (ClusterLoadAssignment) eds.generate(sidecar, push,
                ResourceNames.of("outbound|9090||multi.default.svc.cluster.local")).get(0).resource();

        assertEquals(List.of(lb("10.4.0.1", 9090, 1)), cla.getEndpoints(0).getLbEndpointsList());
    }

    @Test
    void answersRequestedNamesInSortedOrderRepeatably() {
        ResourceNames names = ResourceNames.of("outbound|9080||z.default.svc.cluster.local", REVIEWS, "outbound|1||a");

        List<XdsResource> first = eds.generate(sidecar, reviews(), names);
        List<XdsResource> second = eds.generate(sidecar, reviews(), names);

        assertEquals(List.of("outbound|1||a", REVIEWS, "outbound|9080||z.default.svc.cluster.local"),
                first.stream().map(XdsResource::name).toList());
        assertEquals(first, second);
    }
}
