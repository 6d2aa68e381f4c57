package io.pilot4j.kube.networking;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.net.DnsNames;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.FieldPath;
import io.pilot4j.net.IpAddresses;
import io.pilot4j.kube.Result;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.networking.Gateway;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** An Istio Gateway to the model, with Istio's checks on servers (ValidateGateway, validateServer, validateTLSOptions). */
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
        Set<String> portNames = new HashSet<>();
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
                } else if (Protocol.parse(protocol) == Protocol.UNSUPPORTED) {
                    errors.add(p.child("port").child("protocol"), "invalid protocol \"" + protocol
                            + "\", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, HTTPS, TLS, MONGO, REDIS, MYSQL, TCP");
                }
                if (portName == null || portName.isEmpty()) {
                    errors.add(p.child("port").child("name"), "required: a server's port needs a name");
                } else if (!portNames.add(portName)) {
                    errors.add(p.child("port").child("name"), "port names in servers must be unique: duplicate name " + portName);
                }
                target = RuleFields.intValue(s.getPort().getTargetPort());
            }
            List<String> hosts = RuleFields.list(s.getHosts());
            if (hosts.isEmpty()) {
                errors.add(p.child("hosts"), "at least one host is required");
            }
            for (int h = 0; h < hosts.size(); h++) {
                checkServerHost(hosts.get(h), p.child("hosts").index(h), errors);
            }
            if (s.getBind() != null && !s.getBind().isEmpty() && !IpAddresses.isIp(s.getBind())) {
                errors.add(p.child("bind"), "\"" + s.getBind() + "\" is not an IP address (unix domain sockets are not supported)");
            }
            Optional<Gateway.ServerTlsSettings> tls = Optional.empty();
            if (s.getTls() != null) {
                tls = Optional.of(tls(s.getTls(), p.child("tls"), errors));
            }
            checkTlsForProtocol(Protocol.parse(protocol), tls, p, errors);
            servers.add(new Gateway.Server(s.getName(), port, portName, protocol, target, hosts, s.getBind(), tls));
        }
        return errors.toResult(() -> new Gateway(RuleFields.meta(object), RuleFields.labels(spec.getSelector()), servers));
    }

    private static Gateway.ServerTlsSettings tls(io.fabric8.istio.api.api.networking.v1alpha3.ServerTLSSettings t, FieldPath path,
                                                 FieldErrors errors) {
        String mode = t.getMode() == null ? "PASSTHROUGH" : t.getMode().name();
        String cert = nonNull(t.getServerCertificate());
        String key = nonNull(t.getPrivateKey());
        String ca = nonNull(t.getCaCertificates());
        List<Gateway.CertificateFiles> more = new java.util.ArrayList<>();
        var specCertificates = RuleFields.list(t.getTlsCertificates());
        for (int i = 0; i < specCertificates.size(); i++) {
            var c = specCertificates.get(i);
            FieldPath p = path.child("tlsCertificates").index(i);
            if (c == null || nonNull(c.getServerCertificate()).isEmpty() || nonNull(c.getPrivateKey()).isEmpty()) {
                errors.add(p, "serverCertificate and privateKey are required");
                continue;
            }
            String entryCa = nonNull(c.getCaCertificates());
            if (!entryCa.isEmpty()) {
                // One client CA for the server, as Envoy validates with one context.
                if (ca.isEmpty()) {
                    ca = entryCa;
                } else if (!ca.equals(entryCa)) {
                    errors.add(p.child("caCertificates"), "\"" + entryCa + "\" differs from the server's caCertificates \"" + ca
                            + "\": one client CA per server");
                }
            }
            more.add(new Gateway.CertificateFiles(c.getServerCertificate(), c.getPrivateKey()));
        }
        String credential = nonNull(t.getCredentialName());
        if (credential.isEmpty() && !RuleFields.list(t.getCredentialNames()).isEmpty()) {
            credential = RuleFields.list(t.getCredentialNames()).get(0);
        }
        switch (mode) {
            case "ISTIO_MUTUAL" -> {
                for (var f : List.of(new String[]{"serverCertificate", cert}, new String[]{"privateKey", key},
                        new String[]{"caCertificates", ca}, new String[]{"credentialName", credential})) {
                    if (!f[1].isEmpty()) {
                        errors.add(path.child(f[0]), "ISTIO_MUTUAL TLS cannot have an associated " + f[0]);
                    }
                }
            }
            case "SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL" -> {
                if (credential.isEmpty()) {
                    if (cert.isEmpty() && more.isEmpty()) {
                        errors.add(path.child("serverCertificate"), "required with mode " + mode + " (or credentialName)");
                    }
                    if (key.isEmpty() && more.isEmpty()) {
                        errors.add(path.child("privateKey"), "required with mode " + mode + " (or credentialName)");
                    }
                    if (!mode.equals("SIMPLE") && ca.isEmpty() && nonNull(t.getCaCertCredentialName()).isEmpty()) {
                        errors.add(path.child("caCertificates"), "required with mode " + mode + ": the CA that signs client certificates");
                    }
                } else if (!cert.isEmpty() || !key.isEmpty()) {
                    errors.add(path, "only one of credentialName and serverCertificate/privateKey may be set");
                }
            }
            default -> {
                // PASSTHROUGH, AUTO_PASSTHROUGH: certificates are ignored, as Istio warns.
            }
        }
        String min = t.getMinProtocolVersion() == null ? "" : t.getMinProtocolVersion().name();
        String max = t.getMaxProtocolVersion() == null ? "" : t.getMaxProtocolVersion().name();
        return new Gateway.ServerTlsSettings(mode, Boolean.TRUE.equals(t.getHttpsRedirect()), cert, key, more, ca, nonNull(t.getCaCrl()),
                credential, nonNull(t.getCaCertCredentialName()), RuleFields.list(t.getSubjectAltNames()),
                RuleFields.list(t.getVerifyCertificateSpki()), RuleFields.list(t.getVerifyCertificateHash()), min, max,
                RuleFields.list(t.getCipherSuites()));
    }

    /**
     * Istio's validateServer: HTTPS and TLS servers need TLS settings; a plain HTTP server may only carry
     * {@code httpsRedirect}; other protocols none.
     */
    private static void checkTlsForProtocol(Protocol protocol, Optional<Gateway.ServerTlsSettings> tls, FieldPath path, FieldErrors errors) {
        boolean tlsProtocol = protocol == Protocol.HTTPS || protocol == Protocol.TLS;
        if (tlsProtocol && tls.isEmpty()) {
            errors.add(path.child("tls"), "required: a server on an HTTPS or TLS port must have TLS settings");
        } else if (!tlsProtocol && tls.isPresent() && protocol != Protocol.UNSUPPORTED) {
            Gateway.ServerTlsSettings t = tls.get();
            boolean redirectOnly = t.mode().equals("PASSTHROUGH") && t.serverCertificate().isEmpty() && t.privateKey().isEmpty()
                    && t.caCertificates().isEmpty();
            if (!protocol.isHttp()) {
                errors.add(path.child("tls"), "a server cannot have TLS settings for non HTTPS/TLS ports");
            } else if (!redirectOnly) {
                errors.add(path.child("tls"), "a plain text HTTP server can only have tls.httpsRedirect");
            }
        }
    }

    /** Istio's ValidateNamespaceSlashWildcardHostname: {@code [namespace/]host}, namespace {@code *}, {@code .} or a name. */
    private static void checkServerHost(String host, FieldPath path, FieldErrors errors) {
        if (host == null || host.isEmpty()) {
            errors.required(path);
            return;
        }
        int slash = host.indexOf('/');
        String name = host;
        if (slash >= 0) {
            String ns = host.substring(0, slash);
            name = host.substring(slash + 1);
            if (ns.isEmpty() || (!ns.equals("*") && !ns.equals(".") && !DnsNames.isLabel(ns))) {
                errors.add(path, "\"" + host + "\": the namespace before / must be *, . or a namespace name");
                return;
            }
        }
        if (name.isEmpty()) {
            errors.add(path, "\"" + host + "\": a host is required after the namespace");
        } else if (!name.equals("*")) {
            RuleFields.checkHost(name, path, errors);
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
