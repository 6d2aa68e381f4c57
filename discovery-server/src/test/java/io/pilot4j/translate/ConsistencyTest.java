package io.pilot4j.translate;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.SubsetKey;
import io.pilot4j.model.networking.RuleAnalysis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one generator references, the other answers: a proxy following every reference (listener to route config,
 * route or tcp_proxy to cluster, cluster to endpoints) never waits on a name nobody serves.
 */
class ConsistencyTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pilot4j.translate.SampleMeshes#envoyCases")
    void envoyReferencesAreAnswerable(String description, ProxyView proxy, PushContext push) throws Exception {
        Map<String, XdsGenerator> g = Generators.forView(proxy);
        Set<String> clusters = names(g.get(Resources.V3.CLUSTER_TYPE_URL).generate(proxy, push, ResourceNames.all()));
        Set<String> referencedClusters = new TreeSet<>();

        for (XdsResource r : g.get(Resources.V3.LISTENER_TYPE_URL).generate(proxy, push, ResourceNames.all())) {
            for (FilterChain chain : ((Listener) r.resource()).getFilterChainsList()) {
                for (Filter f : chain.getFiltersList()) {
                    if (f.getName().equals(io.pilot4j.translate.listener.NetworkFilters.MONGO_PROXY)) {
                        continue; // counts Mongo operations; the tcp_proxy after it routes
                    }
                    if (f.getTypedConfig().is(TcpProxy.class)) {
                        TcpProxy tcp = f.getTypedConfig().unpack(TcpProxy.class);
                        if (tcp.hasWeightedClusters()) {
                            tcp.getWeightedClusters().getClustersList().forEach(c -> referencedClusters.add(c.getName()));
                        } else {
                            referencedClusters.add(tcp.getCluster());
                        }
                    } else {
                        HttpConnectionManager hcm = f.getTypedConfig().unpack(HttpConnectionManager.class);
                        if (!hcm.hasRds()) {
                            // A sidecar's inbound routes, inline: to its own inbound clusters, and nothing else.
                            referencedClusters.addAll(routeClusters(hcm.getRouteConfig()));
                            continue;
                        }
                        String rds = hcm.getRds().getRouteConfigName();
                        RouteConfiguration rc = onlyRouteConfig(g, proxy, push, rds);
                        // A sidecar's route configs end with the catch-all, but a sniffed port's (HOST:PORT) holds its one
                        // service; a gateway's hold only what it routes.
                        int catchAll = proxy.isRouter() || rds.contains(":") ? 0 : 1;
                        assertTrue(rc.getVirtualHostsCount() > catchAll, r.name() + " -> " + rds + " has no service virtual host");
                        referencedClusters.addAll(routeClusters(rc));
                    }
                }
            }
        }

        boolean routesToGateways = push.rules().gateways().stream().anyMatch(gw -> proxy.labels().entrySet().containsAll(gw.selector().entrySet()));
        assertEquals(proxy.isRouter() && !routesToGateways, referencedClusters.isEmpty(),
                "a router without Gateways gets no listeners; sidecars and routers with Gateways route to clusters");
        referencedClusters.removeAll(clusters);
        // Istio sends no cluster for a DNS service without endpoints: its routes give 503s (validate_clusters is
        // false) and its TCP listener closes connections. Nothing else may dangle.
        Set<String> allowed = dnsWithoutEndpoints(proxy, push);
        assertTrue(allowed.containsAll(referencedClusters), "dangling cluster references " + referencedClusters);
        assertEdsAnswered(g, proxy, push);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pilot4j.translate.SampleMeshes#grpcCases")
    void grpcReferencesAreAnswerable(String description, ProxyView proxy, PushContext push) throws Exception {
        Map<String, XdsGenerator> g = Generators.forView(proxy);
        List<String> targets = new ArrayList<>();
        for (Service s : push.servicesVisibleTo(proxy.namespace())) {
            s.ports().forEach(p -> targets.add(s.hostname() + ":" + p.port()));
        }
        List<XdsResource> listeners = g.get(Resources.V3.LISTENER_TYPE_URL).generate(proxy, push, ResourceNames.of(targets));
        assertFalse(listeners.isEmpty());

        Set<String> referencedClusters = new TreeSet<>();
        for (XdsResource r : listeners) {
            HttpConnectionManager hcm = ((Listener) r.resource()).getApiListener().getApiListener().unpack(HttpConnectionManager.class);
            RouteConfiguration rc = onlyRouteConfig(g, proxy, push, hcm.getRds().getRouteConfigName());
            assertEquals(1, rc.getVirtualHostsCount(), r.name() + " -> " + rc.getName());
            String authority = r.name();
            assertTrue(rc.getVirtualHosts(0).getDomainsList().contains(authority),
                    "the channel authority " + authority + " must match its virtual host " + rc.getVirtualHosts(0).getDomainsList());
            referencedClusters.addAll(routeClusters(rc));
        }

        Set<String> clusters = names(g.get(Resources.V3.CLUSTER_TYPE_URL).generate(proxy, push, ResourceNames.of(referencedClusters)));
        assertFalse(clusters.isEmpty());
        referencedClusters.removeAll(clusters);
        referencedClusters.removeAll(withTls(proxy, push, referencedClusters));
        // DNS services have no gRPC cluster, nor do clusters whose rule asks for TLS (see GrpcClusterGenerator); nothing
        // else may dangle.
        assertTrue(dnsServiceClusters(proxy, push).containsAll(referencedClusters), "dangling cluster references " + referencedClusters);
        assertEdsAnswered(g, proxy, push);
    }

    /** The clusters among {@code names} whose DestinationRule policy, for the proxy, asks for TLS. */
    private static Set<String> withTls(ProxyView proxy, PushContext push, Set<String> names) {
        Set<String> out = new TreeSet<>();
        for (String name : names) {
            SubsetKey key = SubsetKey.parse(name).orElseThrow();
            push.service(key.hostname()).flatMap(s -> push.destinationRule(proxy.namespace(), proxy.labels(), s))
                    .flatMap(rule -> rule.policyFor(key.subset(), key.port()).tls())
                    .filter(RuleAnalysis::originatesTls)
                    .ifPresent(tls -> out.add(name));
        }
        return out;
    }

    private static RouteConfiguration onlyRouteConfig(Map<String, XdsGenerator> g, ProxyView proxy, PushContext push, String name) {
        List<XdsResource> out = g.get(Resources.V3.ROUTE_TYPE_URL).generate(proxy, push, ResourceNames.of(name));
        assertEquals(List.of(name), out.stream().map(XdsResource::name).toList(), "route config " + name);
        return (RouteConfiguration) out.get(0).resource();
    }

    /** Every EDS cluster gets an assignment, holding endpoints exactly when its service has healthy ones. */
    private static void assertEdsAnswered(Map<String, XdsGenerator> g, ProxyView proxy, PushContext push)
            throws InvalidProtocolBufferException {
        List<XdsResource> cds = g.get(Resources.V3.CLUSTER_TYPE_URL).generate(proxy, push, ResourceNames.all());
        int edsClusters = 0;
        for (XdsResource r : cds) {
            Cluster c = (Cluster) r.resource();
            if (c.getType() != Cluster.DiscoveryType.EDS) {
                continue;
            }
            edsClusters++;
            String serviceName = c.getEdsClusterConfig().getServiceName();
            List<XdsResource> eds = g.get(Resources.V3.ENDPOINT_TYPE_URL).generate(proxy, push, ResourceNames.of(serviceName));
            assertEquals(1, eds.size(), serviceName);
            ClusterLoadAssignment cla = (ClusterLoadAssignment) eds.get(0).resource();
            assertEquals(serviceName, cla.getClusterName());
            assertEquals(hasHealthyEndpoints(proxy, push, serviceName), cla.getEndpointsCount() > 0, serviceName);
        }
        assertTrue(edsClusters > 0);
    }

    /** Whether the cluster's service, or subset of it, has a healthy endpoint on the port. */
    private static boolean hasHealthyEndpoints(ProxyView proxy, PushContext push, String clusterName) {
        SubsetKey key = SubsetKey.parse(clusterName).orElseThrow();
        Service s = push.service(key.hostname()).orElseThrow();
        java.util.function.Predicate<java.util.Map<String, String>> inSubset = key.subset().isEmpty() ? labels -> true
                : push.destinationRule(proxy.namespace(), s).flatMap(dr -> dr.subset(key.subset())).orElseThrow()::selects;
        return push.endpoints(s, s.port(key.port()).orElseThrow()).stream()
                .anyMatch(e -> e.health() == HealthStatus.HEALTHY && inSubset.test(e.labels()));
    }

    private static Set<String> routeClusters(RouteConfiguration rc) {
        Set<String> out = new TreeSet<>();
        for (VirtualHost vh : rc.getVirtualHostsList()) {
            for (Route r : vh.getRoutesList()) {
                if (r.hasRoute()) {
                    if (r.getRoute().hasWeightedClusters()) {
                        r.getRoute().getWeightedClusters().getClustersList().forEach(c -> out.add(c.getName()));
                    } else {
                        out.add(r.getRoute().getCluster());
                    }
                    r.getRoute().getRequestMirrorPoliciesList().forEach(m -> out.add(m.getCluster()));
                }
            }
        }
        return out;
    }

    private static Set<String> dnsWithoutEndpoints(ProxyView proxy, PushContext push) {
        Set<String> out = new TreeSet<>();
        for (String name : dnsServiceClusters(proxy, push)) {
            if (!hasHealthyEndpoints(proxy, push, name)) {
                out.add(name);
            }
        }
        return out;
    }

    private static Set<String> dnsServiceClusters(ProxyView proxy, PushContext push) {
        Set<String> out = new TreeSet<>();
        for (Service s : push.servicesVisibleTo(proxy.namespace())) {
            if (s.resolution() == Resolution.DNS_LB || s.resolution() == Resolution.DNS_ROUND_ROBIN_LB) {
                s.ports().forEach(p -> out.add(SubsetKey.outbound(s.hostname(), p.port()).toString()));
            }
        }
        return out;
    }

    private static Set<String> names(List<XdsResource> resources) {
        Set<String> out = new TreeSet<>();
        resources.forEach(r -> out.add(r.name()));
        return out;
    }
}
