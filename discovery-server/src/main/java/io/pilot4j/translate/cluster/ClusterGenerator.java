package io.pilot4j.translate.cluster;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.model.SubsetKey;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;

import java.util.ArrayList;
import java.util.List;

/**
 * CDS for Envoy sidecars and gateways (Istio's CdsGenerator without DestinationRules): one cluster per port of
 * every service the proxy can see, then BlackHoleCluster and PassthroughCluster. UDP ports get none, as in Istio.
 */
public final class ClusterGenerator implements XdsGenerator {

    @Override
    public List<XdsResource> generate(ProxyView proxy, PushContext push, ResourceNames names) {
        List<XdsResource> out = new ArrayList<>();
        for (Service service : push.servicesVisibleTo(proxy.namespace())) {
            for (ServicePort port : service.ports()) {
                if (port.protocol() == Protocol.UDP
                        || !names.includes(SubsetKey.outbound(service.hostname(), port.port()).toString())) {
                    continue;
                }
                OutboundCluster.build(proxy, push, service, port).ifPresent(c -> add(out, c));
            }
        }
        if (names.includes(CatchAllClusters.BLACKHOLE)) {
            add(out, CatchAllClusters.blackHole(push.mesh()));
        }
        if (names.includes(CatchAllClusters.PASSTHROUGH)) {
            add(out, CatchAllClusters.passthrough(push.mesh()));
        }
        return out;
    }

    private static void add(List<XdsResource> out, Cluster cluster) {
        out.add(new XdsResource(cluster.getName(), cluster));
    }
}
