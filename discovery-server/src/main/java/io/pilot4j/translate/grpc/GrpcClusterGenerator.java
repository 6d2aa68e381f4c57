package io.pilot4j.translate.grpc;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.model.SubsetKey;
import io.pilot4j.model.networking.ConnectionPoolSettings;
import io.pilot4j.model.networking.DestinationRule;
import io.pilot4j.model.networking.LoadBalancerSettings;
import io.pilot4j.model.networking.RuleAnalysis;
import io.pilot4j.model.networking.TrafficPolicy;
import io.pilot4j.translate.AdsConfigSource;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;
import io.pilot4j.translate.endpoint.EndpointGenerator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CDS for proxyless gRPC (Istio's grpcgen BuildClusters): the requested {@code outbound|PORT|SUBSET|HOST} clusters,
 * each an EDS cluster over ADS, subsets included when the DestinationRule that applies defines them. Of the rule's
 * traffic policy grpc-java honours the load balancer (ROUND_ROBIN, LEAST_REQUEST, RING_HASH; RANDOM falls back to
 * ROUND_ROBIN and maglev to a ring hash, which grpc-java has instead) and the request limit
 * ({@code http2MaxRequests} as the circuit breaker's max_requests); the rest is not sent. A cluster whose policy asks for
 * TLS is not sent at all: grpc-java takes upstream TLS only from certificate providers of its own bootstrap, and the
 * cluster without it would carry the client's traffic in plain text ({@code RuleAnalysis} reports such rules).
 *
 * <p>DNS services are left out: grpc-java has no STRICT_DNS, and its LOGICAL_DNS resolves a single name, so such a
 * cluster could not express the service's endpoints (Istio sends an EDS cluster that then never gets endpoints;
 * answering nothing makes the client report the missing cluster instead). Passthrough services are served
 * through EDS over their endpoints, as for gateways, since a library has no original destination to forward to.
 * There is no PassthroughCluster or BlackHoleCluster: a gRPC channel never routes to them.
 */
public final class GrpcClusterGenerator implements XdsGenerator {

    @Override
    public List<XdsResource> generate(ProxyView proxy, PushContext push, ResourceNames names) {
        List<XdsResource> out = new ArrayList<>();
        if (names.wildcard()) {
            for (Service s : proxy.visibleServices(push)) {
                Optional<DestinationRule> rule = push.destinationRule(proxy.namespace(), proxy.labels(), s);
                for (ServicePort p : s.ports()) {
                    if (!servable(s, p)) {
                        continue;
                    }
                    resource(SubsetKey.outbound(s.hostname(), p.port()), rule).ifPresent(out::add);
                    for (DestinationRule.Subset subset : rule.map(DestinationRule::subsets).orElse(List.of())) {
                        resource(new SubsetKey(SubsetKey.Direction.OUTBOUND, p.port(), subset.name(), s.hostname()), rule).ifPresent(out::add);
                    }
                }
            }
            return out;
        }
        for (String name : names.names()) {
            Optional<SubsetKey> key = SubsetKey.parse(name).filter(k -> k.direction() == SubsetKey.Direction.OUTBOUND);
            if (key.isEmpty()) {
                continue;
            }
            Optional<Service> service = push.service(key.get().hostname())
                    .filter(s -> proxy.sees(push, s));
            boolean found = service.flatMap(s -> s.port(key.get().port()).filter(p -> servable(s, p))).isPresent();
            if (!found) {
                continue;
            }
            Optional<DestinationRule> rule = push.destinationRule(proxy.namespace(), proxy.labels(), service.get());
            if (!key.get().subset().isEmpty() && rule.flatMap(r -> r.subset(key.get().subset())).isEmpty()) {
                continue;
            }
            resource(key.get(), rule).ifPresent(out::add);
        }
        return out;
    }

    private static boolean servable(Service service, ServicePort port) {
        return port.protocol() != Protocol.UDP && EndpointGenerator.servesEndpoints(service);
    }

    private static Optional<XdsResource> resource(SubsetKey key, Optional<DestinationRule> rule) {
        String name = key.toString();
        TrafficPolicy policy = rule.map(r -> r.policyFor(key.subset(), key.port())).orElse(TrafficPolicy.NONE);
        if (policy.tls().filter(RuleAnalysis::originatesTls).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new XdsResource(name, edsCluster(name, policy)));
    }

    static Cluster edsCluster(String name, TrafficPolicy policy) {
        Cluster.Builder c = Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                        .setServiceName(name)
                        .setEdsConfig(AdsConfigSource.forGrpc()))
                .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
        policy.loadBalancer().ifPresent(lb -> {
            if (lb.consistentHash().isPresent()) {
                long size = lb.consistentHash().get().minimumRingSize();
                Cluster.RingHashLbConfig.Builder ring = Cluster.RingHashLbConfig.newBuilder();
                if (size > 0) {
                    ring.setMinimumRingSize(UInt64Value.of(size));
                }
                c.setLbPolicy(Cluster.LbPolicy.RING_HASH).setRingHashLbConfig(ring);
            } else if (lb.simple() == LoadBalancerSettings.Simple.LEAST_REQUEST || lb.simple() == LoadBalancerSettings.Simple.LEAST_CONN) {
                c.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
            }
        });
        policy.connectionPool().flatMap(ConnectionPoolSettings::http)
                .filter(h -> h.http2MaxRequests() > 0)
                .ifPresent(h -> c.setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
                        .setPriority(RoutingPriority.DEFAULT)
                        .setMaxRequests(UInt32Value.of(h.http2MaxRequests())))));
        return c.build();
    }
}
