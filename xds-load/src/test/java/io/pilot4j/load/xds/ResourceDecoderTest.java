package io.pilot4j.load.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourceDecoderTest {
    private static final ConfigSource ADS = ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();

    @Test
    void readingOffTheWireAgreesWithParsing() throws InvalidResource {
        Any eds = Any.pack(Cluster.newBuilder().setName("outbound|8080||a").setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS).setServiceName("outbound|8080||a-eds")).build());
        Any edsUnnamed = Any.pack(Cluster.newBuilder().setName("outbound|8080||b").setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS)).build());
        Any originalDst = Any.pack(Cluster.newBuilder().setName("PassthroughCluster").setType(Cluster.DiscoveryType.ORIGINAL_DST).build());
        for (Any any : new Any[]{eds, edsUnnamed, originalDst}) {
            assertEquals(new ResourceDecoder(Decode.FULL).cluster(any), new ResourceDecoder(Decode.NAMES).cluster(any));
        }
        assertEquals("outbound|8080||a-eds", new ResourceDecoder(Decode.NAMES).cluster(eds).edsName());
        assertEquals("outbound|8080||b", new ResourceDecoder(Decode.NAMES).cluster(edsUnnamed).edsName());
        assertNull(new ResourceDecoder(Decode.NAMES).cluster(originalDst).edsName());

        Any route = Any.pack(RouteConfiguration.newBuilder().setName("8080").setValidateClusters(com.google.protobuf.BoolValue.of(false)).build());
        assertEquals("8080", new ResourceDecoder(Decode.NAMES).routeName(route));
        assertEquals("8080", new ResourceDecoder(Decode.FULL).routeName(route));
    }

    @Test
    void anAssignmentIsParsedWhenAskedForAnAddress() throws InvalidResource {
        Any cla = Any.pack(ClusterLoadAssignment.newBuilder().setClusterName("c")
                .addEndpoints(io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints.newBuilder()
                        .addLbEndpoints(io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint.newBuilder()
                                .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                                        .setAddress(io.envoyproxy.envoy.config.core.v3.Address.newBuilder()
                                                .setSocketAddress(io.envoyproxy.envoy.config.core.v3.SocketAddress.newBuilder()
                                                        .setAddress("127.128.0.1").setPortValue(8080))))))
                .build());
        ResourceDecoder.ClaView view = new ResourceDecoder(Decode.NAMES).clusterLoadAssignment(cla);
        assertEquals("c", view.name());
        assertTrue(view.holds("127.128.0.1"));
        assertTrue(!view.holds("127.128.0.2"));
    }

    @Test
    void aResourceOfAnotherTypeIsRejected() {
        Any route = Any.pack(RouteConfiguration.newBuilder().setName("8080").build());
        InvalidResource e = assertThrows(InvalidResource.class, () -> new ResourceDecoder(Decode.NAMES).cluster(route));
        assertTrue(e.getMessage().contains("RouteConfiguration"), e.getMessage());
        assertThrows(InvalidResource.class, () -> new ResourceDecoder(Decode.FULL).clusterLoadAssignment(route));
    }
}
