package io.pilot4j.translate.cluster;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServiceTarget;
import io.pilot4j.model.ServicePort;
import io.pilot4j.model.SubsetKey;
import io.pilot4j.model.networking.DestinationRule;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;
import io.pilot4j.translate.listener.InterceptionMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CDS for Envoy sidecars and gateways (Istio's CdsGenerator): one cluster per port of every service the proxy can
 * see, plus one per subset of the DestinationRule that applies to it ({@code outbound|PORT|SUBSET|HOST}), each with
 * the rule's traffic policy; then BlackHoleCluster and PassthroughCluster; then for a sidecar under traffic capture an
 * {@link InboundCluster} per target port of its workload and InboundPassthroughCluster. UDP ports get none, as in Istio.
 */
public final class ClusterGenerator implements XdsGenerator {

    @Override
    public List<XdsResource> generate(ProxyView proxy, PushContext push, ResourceNames names) {
        List<XdsResource> out = new ArrayList<>();
        for (Service service : proxy.visibleServices(push)) {
            Optional<DestinationRule> rule = push.destinationRule(proxy.namespace(), proxy.labels(), service);
            for (ServicePort port : service.ports()) {
                if (port.protocol() == Protocol.UDP) {
                    continue;
                }
                if (names.includes(SubsetKey.outbound(service.hostname(), port.port()).toString())) {
                    OutboundCluster.build(proxy, push, service, port, rule, Optional.empty()).ifPresent(c -> add(out, c));
                }
                for (DestinationRule.Subset subset : rule.map(DestinationRule::subsets).orElse(List.of())) {
                    String name = new SubsetKey(SubsetKey.Direction.OUTBOUND, port.port(), subset.name(), service.hostname()).toString();
                    if (names.includes(name)) {
                        OutboundCluster.build(proxy, push, service, port, rule, Optional.of(subset)).ifPresent(c -> add(out, c));
                    }
                }
            }
        }
        if (names.includes(CatchAllClusters.BLACKHOLE)) {
            add(out, CatchAllClusters.blackHole(push.mesh()));
        }
        if (names.includes(CatchAllClusters.PASSTHROUGH)) {
            add(out, CatchAllClusters.passthrough(push.mesh()));
        }
        if (proxy.isRouter() || proxy.interceptionMode() == InterceptionMode.NONE) {
            return out;
        }
        for (ServiceTarget target : proxy.inboundTargets(push)) {
            if (target.port().protocol() != Protocol.UDP && names.includes(InboundCluster.name(target.targetPort()))) {
                add(out, InboundCluster.build(proxy, push, target));
            }
        }
        if (names.includes(CatchAllClusters.INBOUND_PASSTHROUGH)) {
            add(out, CatchAllClusters.inboundPassthrough(push.mesh()));
        }
        return out;
    }

    private static void add(List<XdsResource> out, Cluster cluster) {
        out.add(new XdsResource(cluster.getName(), cluster));
    }
}
