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
 * {@code *}, {@code .}, {@code ~} or a name).
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
            int port = 0;
            String portName = "";
            String protocol = "";
            if (e.getPort() != null) {
                if (e.getPort().getNumber() != null && errors.checkPort(p.child("port").child("number"), e.getPort().getNumber())) {
                    port = e.getPort().getNumber().intValue();
                }
                portName = e.getPort().getName();
                protocol = e.getPort().getProtocol();
            }
            egress.add(new Sidecar.EgressListener(port, portName, protocol, e.getBind(),
                    e.getCaptureMode() == null ? "" : e.getCaptureMode().name(), hosts));
        }
        Map<String, String> selector = spec.getWorkloadSelector() == null ? Map.of()
                : RuleFields.labels(spec.getWorkloadSelector().getLabels());
        String outbound = spec.getOutboundTrafficPolicy() == null || spec.getOutboundTrafficPolicy().getMode() == null ? ""
                : spec.getOutboundTrafficPolicy().getMode().name();
        return errors.toResult(() -> new Sidecar(RuleFields.meta(object), selector, egress, outbound));
    }
}
