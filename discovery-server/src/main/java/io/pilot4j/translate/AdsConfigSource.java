package io.pilot4j.translate;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;

/**
 * Where a proxy fetches the resources another resource points at (a listener's RDS, a cluster's EDS): the ADS
 * stream it already has open, as Istio always does.
 */
public final class AdsConfigSource {
    private static final ConfigSource ENVOY = ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance())
            // 0s: Envoy waits for our answer instead of giving up after its 15s default and serving the
            // listener or cluster with no routes or endpoints (Istio sets the same).
            .setInitialFetchTimeout(Durations.ZERO)
            .setResourceApiVersion(ApiVersion.V3)
            .build();

    // grpc-java accepts only ADS (or "self"); it ignores the fetch timeout, so the shape is kept minimal.
    private static final ConfigSource GRPC = ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance())
            .setResourceApiVersion(ApiVersion.V3)
            .build();

    private AdsConfigSource() {
    }

    public static ConfigSource forEnvoy() {
        return ENVOY;
    }

    public static ConfigSource forGrpc() {
        return GRPC;
    }
}
