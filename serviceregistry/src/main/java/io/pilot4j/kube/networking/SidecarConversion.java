package io.pilot4j.kube.networking;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.FieldPath;
import io.pilot4j.kube.Result;
import io.pilot4j.model.networking.Sidecar;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An Istio Sidecar to the model, with Istio's checks on egress hosts ({@code namespace/host}, where namespace is
 * {@code *}, {@code .}, {@code ~} or a name). What pilot4j cannot apply yet (per-port or bound egress listeners,
 * capture modes, ingress, the inbound connection pool, an egress proxy) rejects the Sidecar, naming the field.
 */
public final class SidecarConversion {
    private static final FieldPath SPEC = FieldPath.of("spec");

    private SidecarConversion() {
    }

    public static Result<Sidecar> convert(HasMetadata object, io.fabric8.istio.api.api.networking.v1alpha3.Sidecar spec) {
        FieldErrors errors = RuleFields.opening(object, spec);
        if (spec == null) {
            return Result.invalid(errors.toList());
        }
        List<Sidecar.EgressListener> egress = new ArrayList<>();
        var specEgress = RuleFields.list(spec.getEgress());
        for (int i = 0; i < specEgress.size(); i++) {
            FieldPath p = SPEC.child("egress").index(i);
            var e = specEgress.get(i);
            if (e == null) {
                errors.add(p, "must not be null");
                continue;
            }
            List<String> hosts = RuleFields.list(e.getHosts());
            if (hosts.isEmpty()) {
                errors.add(p.child("hosts"), "at least one host is required");
            }
            for (int j = 0; j < hosts.size(); j++) {
                String h = hosts.get(j) == null ? "" : hosts.get(j);
                int slash = h.indexOf('/');
                if (slash <= 0 || slash == h.length() - 1) {
                    errors.add(p.child("hosts").index(j), "\"" + h + "\" must be namespace/host, e.g. ./*, istio-system/*, */example.com");
                } else {
                    String host = h.substring(slash + 1);
                    if (!host.equals("*")) {
                        RuleFields.checkHost(host, p.child("hosts").index(j), errors);
                    }
                }
            }
            // Each of these would narrow the listener to a port or an address, or change how traffic reaches it;
            // applying the hosts to every port instead would show the proxy what it was not asked to see.
            if (e.getPort() != null) {
                errors.add(p.child("port"), "not supported yet: pilot4j applies a Sidecar's egress hosts to every port "
                        + "(no per-port egress listeners); remove port to limit the hosts on all ports");
            }
            if (e.getBind() != null && !e.getBind().isEmpty()) {
                errors.add(p.child("bind"), "not supported yet: pilot4j builds no egress listeners bound to an address");
            }
            if (e.getCaptureMode() != null && !e.getCaptureMode().name().equals("DEFAULT")) {
                errors.add(p.child("captureMode"), e.getCaptureMode().name() + " is not supported yet: pilot4j builds no "
                        + "per-listener capture modes");
            }
            egress.add(new Sidecar.EgressListener(hosts));
        }
        // Inbound listeners (15006) do not exist yet: settings for them would silently do nothing.
        if (!RuleFields.list(spec.getIngress()).isEmpty()) {
            errors.add(SPEC.child("ingress"), "not supported yet: pilot4j builds no inbound listeners");
        }
        if (spec.getInboundConnectionPool() != null) {
            errors.add(SPEC.child("inboundConnectionPool"), "not supported yet: pilot4j builds no inbound listeners");
        }
        if (spec.getOutboundTrafficPolicy() != null && spec.getOutboundTrafficPolicy().getEgressProxy() != null) {
            errors.add(SPEC.child("outboundTrafficPolicy").child("egressProxy"), "not supported yet: pilot4j sends traffic "
                    + "to unknown hosts out directly (ALLOW_ANY) or nowhere (REGISTRY_ONLY), not through an egress proxy");
        }
        Map<String, String> selector = spec.getWorkloadSelector() == null ? Map.of()
                : RuleFields.labels(spec.getWorkloadSelector().getLabels());
        String outbound = spec.getOutboundTrafficPolicy() == null || spec.getOutboundTrafficPolicy().getMode() == null ? ""
                : spec.getOutboundTrafficPolicy().getMode().name();
        return errors.toResult(() -> new Sidecar(RuleFields.meta(object), selector, egress, outbound));
    }
}
