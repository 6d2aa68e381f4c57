package io.pilot4j.kube.networking;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.kube.Result;
import io.pilot4j.model.networking.TrafficRule;

import java.util.Optional;

/**
 * Any Istio traffic rule object (VirtualService, DestinationRule, Sidecar, Gateway in v1, v1beta1 or v1alpha3, which
 * share one spec per kind) to the model: what both registries call.
 */
public final class NetworkingConversion {
    private NetworkingConversion() {
    }

    /** The converted rule, or empty when the object is not a traffic rule. */
    public static Optional<Result<TrafficRule>> convert(HasMetadata object, String domainSuffix) {
        Result<? extends TrafficRule> r;
        if (object instanceof io.fabric8.istio.api.networking.v1.VirtualService o) {
            r = VirtualServiceConversion.convert(o, o.getSpec(), domainSuffix);
        } else if (object instanceof io.fabric8.istio.api.networking.v1beta1.VirtualService o) {
            r = VirtualServiceConversion.convert(o, o.getSpec(), domainSuffix);
        } else if (object instanceof io.fabric8.istio.api.networking.v1alpha3.VirtualService o) {
            r = VirtualServiceConversion.convert(o, o.getSpec(), domainSuffix);
        } else if (object instanceof io.fabric8.istio.api.networking.v1.DestinationRule o) {
            r = DestinationRuleConversion.convert(o, o.getSpec(), domainSuffix);
        } else if (object instanceof io.fabric8.istio.api.networking.v1beta1.DestinationRule o) {
            r = DestinationRuleConversion.convert(o, o.getSpec(), domainSuffix);
        } else if (object instanceof io.fabric8.istio.api.networking.v1alpha3.DestinationRule o) {
            r = DestinationRuleConversion.convert(o, o.getSpec(), domainSuffix);
        } else if (object instanceof io.fabric8.istio.api.networking.v1.Sidecar o) {
            r = SidecarConversion.convert(o, o.getSpec());
        } else if (object instanceof io.fabric8.istio.api.networking.v1beta1.Sidecar o) {
            r = SidecarConversion.convert(o, o.getSpec());
        } else if (object instanceof io.fabric8.istio.api.networking.v1alpha3.Sidecar o) {
            r = SidecarConversion.convert(o, o.getSpec());
        } else if (object instanceof io.fabric8.istio.api.networking.v1.Gateway o) {
            r = GatewayConversion.convert(o, o.getSpec());
        } else if (object instanceof io.fabric8.istio.api.networking.v1beta1.Gateway o) {
            r = GatewayConversion.convert(o, o.getSpec());
        } else if (object instanceof io.fabric8.istio.api.networking.v1alpha3.Gateway o) {
            r = GatewayConversion.convert(o, o.getSpec());
        } else {
            return Optional.empty();
        }
        return Optional.of(r.map(rule -> (TrafficRule) rule));
    }
}
