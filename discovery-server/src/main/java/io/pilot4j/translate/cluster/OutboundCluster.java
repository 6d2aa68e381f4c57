package io.pilot4j.translate.cluster;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.model.SubsetKey;
import io.pilot4j.model.networking.DestinationRule;
import io.pilot4j.translate.AdsConfigSource;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.model.networking.TrafficPolicy;
import io.pilot4j.translate.endpoint.LocalityEndpoints;
import io.pilot4j.translate.endpoint.LocalityLoadBalancer;

import java.util.List;
import java.util.Optional;

/**
 * The Envoy cluster {@code outbound|PORT|SUBSET|HOST} of one service port: the service's own cluster (empty subset) or
 * one of a DestinationRule subset, with the rule's traffic policy for that port and subset (Istio's cluster
 * builder).
 */
public final class OutboundCluster {
    private OutboundCluster() {
    }

    /**
     * The cluster, or empty for a DNS service without healthy endpoints: Istio drops those rather than send a
     * cluster Envoy cannot resolve (and a LOGICAL_DNS cluster without a host is invalid).
     */
    public static Optional<Cluster> build(ProxyView proxy, PushContext push, Service service, ServicePort port) {
        Optional<DestinationRule> rule = push.destinationRule(proxy.namespace(), proxy.labels(), service);
        return build(proxy, push, service, port, rule, Optional.empty());
    }

    /**
     * @param rule   the DestinationRule that applies to the service for this proxy, if any
     * @param subset one of its subsets, or empty for the service's own cluster
     */
    public static Optional<Cluster> build(ProxyView proxy, PushContext push, Service service, ServicePort port,
                                          Optional<DestinationRule> rule, Optional<DestinationRule.Subset> subset) {
        String subsetName = subset.map(DestinationRule.Subset::name).orElse("");
        String name = new SubsetKey(SubsetKey.Direction.OUTBOUND, port.port(), subsetName, service.hostname()).toString();
        TrafficPolicy policy = rule.map(r -> r.policyFor(subsetName, port.port())).orElse(TrafficPolicy.NONE);
        Cluster.Builder c = Cluster.newBuilder()
                .setName(name)
                .setConnectTimeout(Durations.fromNanos(push.mesh().connectTimeout().toNanos()))
                // Istio's defaultLBAlgorithm, unless a DestinationRule chooses (proxyless gRPC has its own generator).
                .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
                .setCircuitBreakers(DefaultCircuitBreakers.get());
        Cluster.DiscoveryType type = discoveryType(proxy, service);
        switch (type) {
            case EDS:
                c.setType(Cluster.DiscoveryType.EDS)
                        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                                .setServiceName(name)
                                .setEdsConfig(AdsConfigSource.forEnvoy()));
                break;
            case STRICT_DNS:
            case LOGICAL_DNS:
                List<Endpoint> members = push.endpoints(service, port);
                if (subset.isPresent()) {
                    members = members.stream().filter(e -> subset.get().selects(e.labels())).toList();
                }
                List<LocalityEndpoints.Group> groups = service.resolution() == Resolution.DNS_ROUND_ROBIN_LB
                        ? LocalityEndpoints.first(members)
                        : LocalityEndpoints.groups(members);
                if (groups.isEmpty()) {
                    return Optional.empty();
                }
                // A LOGICAL_DNS cluster has one host, which Envoy requires: locality weights cannot choose between
                // localities there, and a distribute that leaves its locality out would empty it (Istio applies it
                // anyway, and Envoy rejects the cluster).
                List<LocalityLbEndpoints> endpoints = type == Cluster.DiscoveryType.LOGICAL_DNS
                        ? groups.stream().map(LocalityEndpoints.Group::proto).toList()
                        : LocalityLoadBalancer.apply(groups, proxy, push, policy);
                c.setType(type)
                        .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(name).addAllEndpoints(endpoints));
                setDnsOptions(c, proxy, push);
                break;
            case ORIGINAL_DST:
                c.setType(Cluster.DiscoveryType.ORIGINAL_DST).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED);
                break;
            default:
                throw new IllegalStateException("unexpected discovery type for " + name);
        }
        boolean http2 = UpstreamHttpOptions.needsHttp2(port.protocol());
        if (http2) {
            c.putAllTypedExtensionProtocolOptions(UpstreamHttpOptions.http2());
        }
        if (rule.isPresent()) {
            ClusterTrafficPolicy.apply(c, policy, port.protocol(), http2);
        }
        // The mesh's locality setting applies to clusters no rule covers, as in Istio.
        LocalityLoadBalancer.applyToCluster(c, push, policy);
        return Optional.of(c.build());
    }

    /** Istio's convertResolution. */
    static Cluster.DiscoveryType discoveryType(ProxyView proxy, Service service) {
        switch (service.resolution()) {
            case CLIENT_SIDE_LB:
                return Cluster.DiscoveryType.EDS;
            case DNS_LB:
                return Cluster.DiscoveryType.STRICT_DNS;
            case DNS_ROUND_ROBIN_LB:
                return Cluster.DiscoveryType.LOGICAL_DNS;
            case PASSTHROUGH:
                // A gateway received the connection itself: there is no original destination to forward to,
                // so it balances over the service's endpoints instead (Istio does the same).
                return proxy.isRouter() ? Cluster.DiscoveryType.EDS : Cluster.DiscoveryType.ORIGINAL_DST;
            default:
                throw new IllegalArgumentException("unknown resolution " + service.resolution());
        }
    }

    /**
     * Cluster-level DNS fields that recent Envoys deprecate in favour of the envoy.cluster.dns extension (1.40 logs
     * a warning): Istio still sends them, and unlike the extension they work on every Envoy Istio users run.
     */
    @SuppressWarnings("deprecation")
    private static void setDnsOptions(Cluster.Builder c, ProxyView proxy, PushContext push) {
        c.setDnsLookupFamily(dnsLookupFamily(proxy))
                .setDnsRefreshRate(Durations.fromNanos(push.mesh().dnsRefreshRate().toNanos()))
                // Re-resolve when the record expires rather than only every dnsRefreshRate.
                .setRespectDnsTtl(true);
    }

    /** Istio's SelectDNSLookupFamily without dual stack. */
    public static Cluster.DnsLookupFamily dnsLookupFamily(ProxyView proxy) {
        return proxy.ipFamily() == ProxyView.IpFamily.IPV6 ? Cluster.DnsLookupFamily.V6_ONLY : Cluster.DnsLookupFamily.V4_ONLY;
    }
}
