package io.pilot4j.translate.grpc;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Resolution;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsResource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GrpcClusterGeneratorTest {
    private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";

    private final GrpcClusterGenerator cds = new GrpcClusterGenerator();
    private final ProxyView client = Proxies.grpc("default");

    private static PushContext push() {
        return new PushFixture()
                .kube("reviews", "default").grpc(9080).grpc(9090).and()
                .kube("headless", "default").grpc(50051).resolution(Resolution.PASSTHROUGH).and()
                .host("api.example.com", "default").grpc(443).resolution(Resolution.DNS_LB)
                .endpoint("api.example.com", 443, "grpc-443").and()
                .kube("secret", "vault").grpc(9000).exportTo(".").and()
                .build();
    }

    private List<String> names(ResourceNames names) {
        return cds.generate(client, push(), names).stream().map(XdsResource::name).toList();
    }

    @Test
    void answersOnlyRequestedEdsClusters() {
        assertEquals(List.of(REVIEWS), names(ResourceNames.of(REVIEWS)));
    }

    @Test
    void clusterIsEdsOverAdsWithRoundRobin() {
        Cluster c = (Cluster) cds.generate(client, push(), ResourceNames.of(REVIEWS)).get(0).resource();

        assertEquals(Cluster.newBuilder()
                .setName(REVIEWS)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                        .setServiceName(REVIEWS)
                        .setEdsConfig(ConfigSource.newBuilder()
                                .setAds(AggregatedConfigSource.getDefaultInstance())
                                .setResourceApiVersion(ApiVersion.V3)))
                .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
                .build(), c);
    }

    @Test
    void skipsDnsServicesCatchAllsSubsetsHiddenAndUnknownNames() {
        assertEquals(List.of(), names(ResourceNames.of(
                "outbound|443||api.example.com",
                "PassthroughCluster", "BlackHoleCluster",
                "outbound|9080|v1|reviews.default.svc.cluster.local",
                "outbound|9000||secret.vault.svc.cluster.local",
                "outbound|1||reviews.default.svc.cluster.local")));
    }

    @Test
    void passthroughServiceIsServedThroughEds() {
        assertEquals(List.of("outbound|50051||headless.default.svc.cluster.local"),
                names(ResourceNames.of("outbound|50051||headless.default.svc.cluster.local")));
    }

    @Test
    void wildcardListsEveryServableClusterOfVisibleServices() {
        assertEquals(List.of("outbound|50051||headless.default.svc.cluster.local", REVIEWS,
                "outbound|9090||reviews.default.svc.cluster.local"), names(ResourceNames.all()));
    }
}
