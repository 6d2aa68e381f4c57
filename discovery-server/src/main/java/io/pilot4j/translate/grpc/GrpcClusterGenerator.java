package io.pilot4j.translate.grpc;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.model.SubsetKey;
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
 * CDS for proxyless gRPC (Istio's grpcgen BuildClusters): the requested {@code outbound|PORT||HOST} clusters,
 * each an EDS cluster over ADS with round robin, the only shape grpc-java balances itself.
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
            for (Service s : push.servicesVisibleTo(proxy.namespace())) {
                for (ServicePort p : s.ports()) {
                    String name = SubsetKey.outbound(s.hostname(), p.port()).toString();
                    if (servable(s, p)) {
                        out.add(new XdsResource(name, edsCluster(name)));
                    }
                }
            }
            return out;
        }
        for (String name : names.names()) {
            Optional<SubsetKey> key = SubsetKey.parse(name)
                    .filter(k -> k.direction() == SubsetKey.Direction.OUTBOUND && k.subset().isEmpty());
            if (key.isEmpty()) {
                continue;
            }
            Optional<Service> service = push.service(key.get().hostname())
                    .filter(s -> push.isVisible(s, proxy.namespace()));
            boolean found = service.flatMap(s -> s.port(key.get().port()).filter(p -> servable(s, p))).isPresent();
            if (found) {
                out.add(new XdsResource(name, edsCluster(name)));
            }
        }
        return out;
    }

    private static boolean servable(Service service, ServicePort port) {
        return port.protocol() != Protocol.UDP && EndpointGenerator.servesEndpoints(service);
    }

    private static Cluster edsCluster(String name) {
        return Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                        .setServiceName(name)
                        .setEdsConfig(AdsConfigSource.forGrpc()))
                .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
                .build();
    }
}
