package io.pilot4j.load.raw;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.pilot4j.load.workload.ServiceSpec;
import io.pilot4j.load.workload.Workload;
import io.pilot4j.load.xds.XdsType;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resources an Istio-like control plane gives a sidecar in the workload's namespace, built the floor's own way:
 * the same names and structure as pilot4j's (and Istio's) outbound clusters, endpoints, listeners and routes, so
 * that sizes are comparable, without sharing pilot4j's code. Per service: cluster {@code outbound|PORT||HOST}
 * (EDS over ADS, circuit breakers lifted) and its assignment; per port: listener {@code 0.0.0.0_PORT} (RDS
 * {@code "PORT"}) and a route config with one virtual host per service; plus virtualOutbound and the two catch-all
 * clusters.
 */
public final class FloorResources {
    private static final int PROXY_LISTEN_PORT = 15001;
    private static final int PROXY_INBOUND_PORT = 15006;
    private static final com.google.protobuf.Duration CONNECT_TIMEOUT = seconds(10);
    private static final ConfigSource ADS = ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance())
            .setInitialFetchTimeout(seconds(0))
            .setResourceApiVersion(ApiVersion.V3)
            .build();
    private static final UInt32Value UNLIMITED = UInt32Value.of(-1);
    private static final CircuitBreakers CIRCUIT_BREAKERS = CircuitBreakers.newBuilder()
            .addThresholds(CircuitBreakers.Thresholds.newBuilder()
                    .setPriority(RoutingPriority.DEFAULT)
                    .setMaxConnections(UNLIMITED)
                    .setMaxPendingRequests(UNLIMITED)
                    .setMaxRequests(UNLIMITED)
                    .setMaxRetries(UNLIMITED))
            .build();
    private static final RetryPolicy RETRY = RetryPolicy.newBuilder()
            .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
            .setNumRetries(UInt32Value.of(2))
            .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
                    .setName("envoy.retry_host_predicates.previous_hosts")
                    .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
            .setHostSelectionRetryMaxAttempts(5)
            .build();

    /** Per service, its cluster and assignment as last packed: a change re-packs only what it touched. */
    private Map<ServiceSpec, Any[]> perService = new HashMap<>();
    /** What listeners and routes depend on (hosts, VIPs, ports), and them as last packed. */
    private List<List<Object>> routingKey = List.of();
    private Map<String, Any> listeners = Map.of();
    private Map<String, Any> routes = Map.of();

    private static com.google.protobuf.Duration seconds(long s) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(s).build();
    }

    /**
     * Per type, resources by name in the order they are served. Resources of services that did not change since
     * the last call are the same {@link Any} instances, already serialised.
     */
    public Map<XdsType, Map<String, Any>> build(Workload workload) {
        Map<XdsType, Map<String, Any>> out = new EnumMap<>(XdsType.class);
        for (XdsType t : XdsType.values()) {
            out.put(t, new LinkedHashMap<>());
        }
        Map<ServiceSpec, Any[]> packed = new HashMap<>();
        List<List<Object>> key = new ArrayList<>();
        for (ServiceSpec s : workload.services()) {
            Any[] p = perService.get(s);
            if (p == null) {
                p = new Any[]{Any.pack(cluster(s)), Any.pack(loadAssignment(s))};
            }
            packed.put(s, p);
            out.get(XdsType.CDS).put(s.clusterName(), p[0]);
            out.get(XdsType.EDS).put(s.clusterName(), p[1]);
            key.add(List.of(s.hostname(), s.vip(), s.port()));
        }
        perService = packed;
        out.get(XdsType.CDS).put("BlackHoleCluster", BLACKHOLE);
        out.get(XdsType.CDS).put("PassthroughCluster", PASSTHROUGH);
        out.get(XdsType.CDS).put("InboundPassthroughCluster", INBOUND_PASSTHROUGH);
        if (!key.equals(routingKey)) {
            routingKey = key;
            listeners = new LinkedHashMap<>();
            routes = new LinkedHashMap<>();
            listeners.put("virtualOutbound", Any.pack(virtualOutbound()));
            listeners.put("virtualInbound", VIRTUAL_INBOUND);
            for (int port : workload.ports()) {
                listeners.put("0.0.0.0_" + port, Any.pack(httpListener(port)));
                routes.put(Integer.toString(port), Any.pack(routes(workload, port)));
            }
        }
        out.get(XdsType.LDS).putAll(listeners);
        out.get(XdsType.RDS).putAll(routes);
        return out;
    }

    private static final Any BLACKHOLE = Any.pack(Cluster.newBuilder().setName("BlackHoleCluster")
            .setType(Cluster.DiscoveryType.STATIC).setConnectTimeout(CONNECT_TIMEOUT).build());
    private static final Any PASSTHROUGH = Any.pack(passthrough());
    // A sidecar that serves no service still gets Istio's inbound catch-all, as from pilot4j.
    private static final Any INBOUND_PASSTHROUGH = Any.pack(passthrough().toBuilder().setName("InboundPassthroughCluster")
            .setUpstreamBindConfig(BindConfig.newBuilder().setSourceAddress(SocketAddress.newBuilder().setAddress("127.0.0.6")))
            .build());
    private static final Any VIRTUAL_INBOUND = Any.pack(virtualInbound());

    private static Cluster cluster(ServiceSpec s) {
        return Cluster.newBuilder()
                .setName(s.clusterName())
                .setConnectTimeout(CONNECT_TIMEOUT)
                .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
                .setCircuitBreakers(CIRCUIT_BREAKERS)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setServiceName(s.clusterName()).setEdsConfig(ADS))
                .build();
    }

    private static Cluster passthrough() {
        HttpProtocolOptions downstream = HttpProtocolOptions.newBuilder()
                .setCommonHttpProtocolOptions(io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
                        .setIdleTimeout(seconds(300)))
                .setUseDownstreamProtocolConfig(HttpProtocolOptions.UseDownstreamHttpConfig.newBuilder()
                        .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance())
                        .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
                .build();
        return Cluster.newBuilder()
                .setName("PassthroughCluster")
                .setType(Cluster.DiscoveryType.ORIGINAL_DST)
                .setConnectTimeout(CONNECT_TIMEOUT)
                .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
                .setCircuitBreakers(CIRCUIT_BREAKERS)
                .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions", Any.pack(downstream))
                .build();
    }

    static ClusterLoadAssignment loadAssignment(ServiceSpec s) {
        List<String> sorted = new ArrayList<>(s.endpoints());
        sorted.sort(null);
        LocalityLbEndpoints.Builder group = LocalityLbEndpoints.newBuilder().setLocality(Locality.getDefaultInstance());
        for (String address : sorted) {
            group.addLbEndpoints(LbEndpoint.newBuilder()
                    .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                            .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                                    .setAddress(address).setPortValue(s.port()))))
                    .setHealthStatus(HealthStatus.HEALTHY)
                    .setLoadBalancingWeight(UInt32Value.of(1)));
        }
        ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(s.clusterName());
        if (!sorted.isEmpty()) {
            cla.addEndpoints(group.setLoadBalancingWeight(UInt32Value.of(sorted.size())));
        }
        return cla.build();
    }

    private static Listener virtualOutbound() {
        return Listener.newBuilder()
                .setName("virtualOutbound")
                .setAddress(socket("0.0.0.0", PROXY_LISTEN_PORT))
                .setUseOriginalDst(BoolValue.of(true))
                .setTrafficDirection(TrafficDirection.OUTBOUND)
                .addFilterChains(FilterChain.newBuilder()
                        .setName("virtualOutbound-blackhole")
                        .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(PROXY_LISTEN_PORT)))
                        .addFilters(tcpProxy("BlackHoleCluster")))
                .addFilterChains(FilterChain.newBuilder()
                        .setName("virtualOutbound-catchall-tcp")
                        .addFilters(tcpProxy("PassthroughCluster")))
                .build();
    }

    private static Listener virtualInbound() {
        HttpConnectionManager passthroughHttp = HttpConnectionManager.newBuilder()
                .setStatPrefix("InboundPassthroughCluster")
                .setCodecType(HttpConnectionManager.CodecType.AUTO)
                .setRouteConfig(RouteConfiguration.newBuilder()
                        .setName("InboundPassthroughCluster")
                        .addVirtualHosts(VirtualHost.newBuilder()
                                .setName("inbound|http|0")
                                .addDomains("*")
                                .addRoutes(Route.newBuilder()
                                        .setName("default")
                                        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                                        .setRoute(RouteAction.newBuilder().setCluster("InboundPassthroughCluster").setTimeout(seconds(0))))))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .setUseRemoteAddress(BoolValue.of(false))
                .build();
        return Listener.newBuilder()
                .setName("virtualInbound")
                .setAddress(socket("0.0.0.0", PROXY_INBOUND_PORT))
                .setTrafficDirection(TrafficDirection.INBOUND)
                .addListenerFilters(ListenerFilter.newBuilder()
                        .setName("envoy.filters.listener.original_dst")
                        .setTypedConfig(Any.pack(OriginalDst.getDefaultInstance())))
                .addListenerFilters(ListenerFilter.newBuilder()
                        .setName("envoy.filters.listener.http_inspector")
                        .setTypedConfig(Any.pack(HttpInspector.getDefaultInstance())))
                .addFilterChains(FilterChain.newBuilder()
                        .setName("virtualInbound-blackhole")
                        .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(PROXY_INBOUND_PORT)))
                        .addFilters(tcpProxy("BlackHoleCluster")))
                .addFilterChains(FilterChain.newBuilder()
                        .setName("virtualInbound-catchall-http")
                        .setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol("raw_buffer")
                                .addApplicationProtocols("http/1.1").addApplicationProtocols("h2c"))
                        .addFilters(Filter.newBuilder()
                                .setName("envoy.filters.network.http_connection_manager")
                                .setTypedConfig(Any.pack(passthroughHttp))))
                .addFilterChains(FilterChain.newBuilder()
                        .setName("virtualInbound")
                        .setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol("raw_buffer"))
                        .addFilters(tcpProxy("InboundPassthroughCluster")))
                .build();
    }

    private static Filter tcpProxy(String cluster) {
        return Filter.newBuilder()
                .setName("envoy.filters.network.tcp_proxy")
                .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix(cluster).setCluster(cluster).build()))
                .build();
    }

    private static Listener httpListener(int port) {
        String name = "0.0.0.0_" + port;
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix("outbound_" + name)
                .setCodecType(HttpConnectionManager.CodecType.AUTO)
                .setRds(Rds.newBuilder().setConfigSource(ADS).setRouteConfigName(Integer.toString(port)))
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .setUseRemoteAddress(BoolValue.of(false))
                .addUpgradeConfigs(HttpConnectionManager.UpgradeConfig.newBuilder().setUpgradeType("websocket"))
                .setStreamIdleTimeout(seconds(0))
                .setNormalizePath(BoolValue.of(true))
                .setPathWithEscapedSlashesAction(HttpConnectionManager.PathWithEscapedSlashesAction.KEEP_UNCHANGED)
                .build();
        return Listener.newBuilder()
                .setName(name)
                .setAddress(socket("0.0.0.0", port))
                .setBindToPort(BoolValue.of(false))
                .setTrafficDirection(TrafficDirection.OUTBOUND)
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager")
                        .setTypedConfig(Any.pack(hcm))))
                .build();
    }

    private static Address socket(String ip, int port) {
        return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
    }

    @SuppressWarnings("deprecation") // max_grpc_timeout, as Istio still sends it
    private static RouteConfiguration routes(Workload workload, int port) {
        List<VirtualHost> hosts = new ArrayList<>();
        for (ServiceSpec s : workload.services()) {
            if (s.port() != port) {
                continue;
            }
            String hostPort = s.hostname() + ":" + port;
            hosts.add(VirtualHost.newBuilder()
                    .setName(hostPort)
                    .addAllDomains(domains(s))
                    .addRoutes(Route.newBuilder()
                            .setName("default")
                            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                            .setDecorator(Decorator.newBuilder().setOperation(hostPort + "/*"))
                            .setRoute(RouteAction.newBuilder()
                                    .setCluster(s.clusterName())
                                    .setTimeout(seconds(0))
                                    .setRetryPolicy(RETRY)
                                    .setMaxGrpcTimeout(seconds(0))))
                    .setIncludeRequestAttemptCount(true)
                    .build());
        }
        hosts.sort(java.util.Comparator.comparing(VirtualHost::getName));
        return RouteConfiguration.newBuilder()
                .setName(Integer.toString(port))
                .addAllVirtualHosts(hosts)
                .addVirtualHosts(VirtualHost.newBuilder()
                        .setName("allow_any")
                        .addDomains("*")
                        .addRoutes(Route.newBuilder()
                                .setName("allow_any")
                                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                                .setRoute(RouteAction.newBuilder()
                                        .setCluster("PassthroughCluster")
                                        .setTimeout(seconds(0))
                                        .setMaxGrpcTimeout(seconds(0))))
                        .setIncludeRequestAttemptCount(true))
                .setValidateClusters(BoolValue.of(false))
                .setIgnorePortInHostMatching(true)
                .build();
    }

    /**
     * Istio's domains for a Kubernetes-shaped host seen from a proxy in its own namespace: the FQDN, its absolute
     * form, the short forms, and the VIP.
     */
    static List<String> domains(ServiceSpec s) {
        List<String> out = new ArrayList<>();
        String host = s.hostname();
        out.add(host);
        out.add(host + ".");
        int svc = host.indexOf(".svc.");
        if (svc > 0) {
            String nameNs = host.substring(0, svc);
            out.add(host.substring(0, host.indexOf('.')));
            out.add(nameNs + ".svc");
            out.add(nameNs);
        }
        out.add(s.vip());
        return out;
    }
}
