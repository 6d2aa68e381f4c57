package io.pilot4j.translate.cluster;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.UpstreamHttpProtocolOptions;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.pilot4j.model.Protocol;

import java.util.Map;

/**
 * The upstream HTTP protocol of a cluster, set as Envoy's typed_extension_protocol_options. Envoy speaks
 * HTTP/1.1 upstream unless told otherwise, which breaks gRPC and HTTP/2 services.
 */
public final class UpstreamHttpOptions {
    /** The key Envoy looks the options up under. */
    public static final String KEY = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

    private static final Map<String, Any> HTTP2 = Map.of(KEY, Any.pack(HttpProtocolOptions.newBuilder()
            .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                    .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
            .build()));

    // Istio's PassthroughCluster: whatever the application spoke (HTTP/1.1 or h2c) goes out the same way, and idle
    // upstream connections to arbitrary destinations are closed after 5 minutes.
    private static final Map<String, Any> DOWNSTREAM = Map.of(KEY, Any.pack(HttpProtocolOptions.newBuilder()
            .setCommonHttpProtocolOptions(io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
                    .setIdleTimeout(Durations.fromMinutes(5)))
            .setUseDownstreamProtocolConfig(HttpProtocolOptions.UseDownstreamHttpConfig.newBuilder()
                    .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance())
                    .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
            .build()));

    private UpstreamHttpOptions() {
    }

    /** Istio's IsHTTP2: HTTP2, GRPC and GRPC-Web ports get an explicit HTTP/2 upstream. */
    public static boolean needsHttp2(Protocol protocol) {
        return protocol == Protocol.HTTP2 || protocol == Protocol.GRPC || protocol == Protocol.GRPC_WEB;
    }

    public static Map<String, Any> http2() {
        return HTTP2;
    }

    public static Map<String, Any> useDownstreamProtocol() {
        return DOWNSTREAM;
    }

    /**
     * Adds {@code upstream} to the cluster's options, keeping what they already say; a cluster without any gets the
     * upstream protocol chosen too, which Envoy requires of options.
     */
    static void withUpstreamOptions(Cluster.Builder c, boolean http2, UpstreamHttpProtocolOptions upstream) {
        HttpProtocolOptions.Builder options;
        Any existing = c.getTypedExtensionProtocolOptionsMap().get(KEY);
        if (existing != null) {
            try {
                options = existing.unpack(HttpProtocolOptions.class).toBuilder();
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("the cluster's own " + KEY + " does not unpack", e);
            }
        } else {
            HttpProtocolOptions.ExplicitHttpConfig.Builder explicit = HttpProtocolOptions.ExplicitHttpConfig.newBuilder();
            if (http2) {
                explicit.setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance());
            } else {
                explicit.setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance());
            }
            options = HttpProtocolOptions.newBuilder().setExplicitHttpConfig(explicit);
        }
        options.setUpstreamHttpProtocolOptions(options.getUpstreamHttpProtocolOptions().toBuilder().mergeFrom(upstream));
        c.putTypedExtensionProtocolOptions(KEY, Any.pack(options.build()));
    }
}
