package io.pilot4j.translate.listener;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.extensions.filters.network.mongo_proxy.v3.MongoProxy;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.pilot4j.model.Protocol;

import java.util.List;

/**
 * The network filters of a TCP chain by the port's protocol (Istio's buildNetworkFiltersStack with its default
 * features): on a MONGO port mongo_proxy goes before the tcp_proxy, for Mongo's per-operation stats under the same
 * prefix; Redis and MySQL filters are off by default in Istio and left out here too.
 */
public final class NetworkFilters {
    public static final String MONGO_PROXY = "envoy.filters.network.mongo_proxy";

    private NetworkFilters() {
    }

    /** {@code tcpProxy}, behind the protocol's own filter where the port has one. */
    public static List<Filter> stack(Protocol protocol, Filter tcpProxy) {
        if (protocol != Protocol.MONGO) {
            return List.of(tcpProxy);
        }
        Filter mongo = Filter.newBuilder()
                .setName(MONGO_PROXY)
                .setTypedConfig(Any.pack(MongoProxy.newBuilder().setStatPrefix(statPrefix(tcpProxy)).build()))
                .build();
        return List.of(mongo, tcpProxy);
    }

    private static String statPrefix(Filter tcpProxy) {
        try {
            return tcpProxy.getTypedConfig().unpack(TcpProxy.class).getStatPrefix();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a tcp_proxy: " + tcpProxy.getName(), e);
        }
    }
}
