package io.pilot4j.kube.networking;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.FieldPath;
import io.pilot4j.kube.Result;
import io.pilot4j.model.networking.Gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An Istio Gateway to the model, with Istio's checks on servers. Held: router listeners are not generated yet. */
public final class GatewayConversion {
    private static final FieldPath SPEC = FieldPath.of("spec");

    private GatewayConversion() {
    }

    public static Result<Gateway> convert(HasMetadata object, io.fabric8.istio.api.api.networking.v1alpha3.Gateway spec) {
        FieldErrors errors = RuleFields.opening(object, spec);
        if (spec == null) {
            return Result.invalid(errors.toList());
        }
        List<Gateway.Server> servers = new ArrayList<>();
        var specServers = RuleFields.list(spec.getServers());
        if (specServers.isEmpty()) {
            errors.add(SPEC.child("servers"), "at least one server is required");
        }
        for (int i = 0; i < specServers.size(); i++) {
            FieldPath p = SPEC.child("servers").index(i);
            var s = specServers.get(i);
            if (s == null) {
                errors.add(p, "must not be null");
                continue;
            }
            int port = 0;
            int target = 0;
            String portName = "";
            String protocol = "";
            if (s.getPort() == null || s.getPort().getNumber() == null) {
                errors.add(p.child("port").child("number"), "required");
            } else {
                if (errors.checkPort(p.child("port").child("number"), s.getPort().getNumber())) {
                    port = s.getPort().getNumber().intValue();
                }
                portName = s.getPort().getName();
                protocol = s.getPort().getProtocol();
                if (protocol == null || protocol.isEmpty()) {
                    errors.add(p.child("port").child("protocol"), "required");
                }
                target = RuleFields.intValue(s.getPort().getTargetPort());
            }
            List<String> hosts = RuleFields.list(s.getHosts());
            if (hosts.isEmpty()) {
                errors.add(p.child("hosts"), "at least one host is required");
            }
            Optional<Gateway.ServerTlsSettings> tls = Optional.empty();
            if (s.getTls() != null) {
                var t = s.getTls();
                String mode = t.getMode() == null ? "PASSTHROUGH" : t.getMode().name();
                boolean credential = (t.getCredentialName() != null && !t.getCredentialName().isEmpty())
                        || !RuleFields.list(t.getCredentialNames()).isEmpty();
                if ((mode.equals("SIMPLE") || mode.equals("MUTUAL")) && !credential) {
                    if (t.getServerCertificate() == null || t.getServerCertificate().isEmpty()) {
                        errors.add(p.child("tls").child("serverCertificate"), "required with mode " + mode + " (or credentialName)");
                    }
                    if (t.getPrivateKey() == null || t.getPrivateKey().isEmpty()) {
                        errors.add(p.child("tls").child("privateKey"), "required with mode " + mode + " (or credentialName)");
                    }
                }
                tls = Optional.of(new Gateway.ServerTlsSettings(mode, Boolean.TRUE.equals(t.getHttpsRedirect()), t.getServerCertificate(),
                        t.getPrivateKey(), t.getCaCertificates(), t.getCredentialName(), RuleFields.list(t.getSubjectAltNames()),
                        t.getMinProtocolVersion() == null ? "" : t.getMinProtocolVersion().name(),
                        t.getMaxProtocolVersion() == null ? "" : t.getMaxProtocolVersion().name()));
            }
            servers.add(new Gateway.Server(s.getName(), port, portName, protocol, target, hosts, s.getBind(), tls));
        }
        return errors.toResult(() -> new Gateway(RuleFields.meta(object), RuleFields.labels(spec.getSelector()), servers));
    }
}
