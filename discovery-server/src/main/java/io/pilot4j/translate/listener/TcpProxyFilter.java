package io.pilot4j.translate.listener;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;

/** A tcp_proxy network filter to one cluster, stats under the cluster's name (Istio's default stat prefix). */
public final class TcpProxyFilter {
    public static final String NAME = "envoy.filters.network.tcp_proxy";

    private TcpProxyFilter() {
    }

    public static Filter to(String cluster) {
        return Filter.newBuilder()
                .setName(NAME)
                .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix(cluster).setCluster(cluster).build()))
                .build();
    }
}
