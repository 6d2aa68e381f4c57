package io.pilot4j.translate.gateway;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.pilot4j.model.networking.Gateway;
import io.pilot4j.translate.SubjectAltNames;

/**
 * The TLS a gateway server terminates (Istio's BuildListenerTLSContext for SIMPLE, MUTUAL and OPTIONAL_MUTUAL with
 * certificate files, every tlsCertificates pair, and for clients the CA, CRL, names, SPKI and hash pins; cipher
 * suites and protocol versions): Envoy reads the files named in the Gateway itself, where Istio hands the paths to the agent's
 * SDS server; so the files must exist where the router runs, and Envoy rejects the listener if they do not.
 */
final class GatewayTls {
    static final String TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
    /** Istio's ALPNHttp: HTTP/2 preferred, HTTP/1.1 accepted. */
    private static final java.util.List<String> ALPN_HTTP = java.util.List.of("h2", "http/1.1");

    private GatewayTls() {
    }

    static TransportSocket transportSocket(Gateway.ServerTlsSettings tls) {
        return TransportSocket.newBuilder()
                .setName(TRANSPORT_SOCKET)
                .setTypedConfig(Any.pack(downstreamContext(tls)))
                .build();
    }

    static DownstreamTlsContext downstreamContext(Gateway.ServerTlsSettings tls) {
        CommonTlsContext.Builder common = CommonTlsContext.newBuilder().addAllAlpnProtocols(ALPN_HTTP);
        for (Gateway.CertificateFiles c : tls.certificates()) {
            common.addTlsCertificates(TlsCertificate.newBuilder()
                    .setCertificateChain(DataSource.newBuilder().setFilename(c.certificateChain()))
                    .setPrivateKey(DataSource.newBuilder().setFilename(c.privateKey())));
        }
        boolean mutual = tls.mode().equals("MUTUAL");
        boolean validateClient = mutual || tls.mode().equals("OPTIONAL_MUTUAL");
        if (validateClient && !tls.caCertificates().isEmpty()) {
            CertificateValidationContext.Builder validation = CertificateValidationContext.newBuilder()
                    .setTrustedCa(DataSource.newBuilder().setFilename(tls.caCertificates()))
                    .addAllVerifyCertificateSpki(tls.verifyCertificateSpki())
                    .addAllVerifyCertificateHash(tls.verifyCertificateHash());
            tls.subjectAltNames().forEach(san -> validation.addMatchTypedSubjectAltNames(SubjectAltNames.matcher(san)));
            if (!tls.caCrl().isEmpty()) {
                validation.setCrl(DataSource.newBuilder().setFilename(tls.caCrl()));
            }
            common.setValidationContext(validation);
        }
        TlsParameters.Builder params = TlsParameters.newBuilder().addAllCipherSuites(tls.cipherSuites());
        if (!tls.minProtocolVersion().isEmpty() && !tls.minProtocolVersion().equals("TLS_AUTO")) {
            params.setTlsMinimumProtocolVersion(version(tls.minProtocolVersion()));
        }
        if (!tls.maxProtocolVersion().isEmpty() && !tls.maxProtocolVersion().equals("TLS_AUTO")) {
            params.setTlsMaximumProtocolVersion(version(tls.maxProtocolVersion()));
        }
        if (!params.build().equals(TlsParameters.getDefaultInstance())) {
            common.setTlsParams(params);
        }
        return DownstreamTlsContext.newBuilder()
                .setCommonTlsContext(common)
                .setRequireClientCertificate(BoolValue.of(mutual))
                .build();
    }

    /** Istio's convertTLSProtocol: TLSV1_2 -> TLSv1_2. */
    private static TlsParameters.TlsProtocol version(String istio) {
        return switch (istio) {
            case "TLSV1_0" -> TlsParameters.TlsProtocol.TLSv1_0;
            case "TLSV1_1" -> TlsParameters.TlsProtocol.TLSv1_1;
            case "TLSV1_2" -> TlsParameters.TlsProtocol.TLSv1_2;
            case "TLSV1_3" -> TlsParameters.TlsProtocol.TLSv1_3;
            default -> TlsParameters.TlsProtocol.TLS_AUTO;
        };
    }
}
