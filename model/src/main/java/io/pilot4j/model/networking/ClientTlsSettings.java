package io.pilot4j.model.networking;

import java.util.List;
import java.util.Objects;

/**
 * Istio's ClientTLSSettings: TLS from the proxy to the destination. File paths are read by the proxy.
 *
 * @param caCertificates     the roots to verify the server with; empty for the system's, as in Istio
 * @param caCrl              certificates revoked, a file; empty for none
 * @param credentialName     a Kubernetes secret: conversions reject it until SDS is served
 * @param insecureSkipVerify the server's certificate is not verified at all
 */
public record ClientTlsSettings(Mode mode, String clientCertificate, String privateKey, String caCertificates, String caCrl,
                                String credentialName, List<String> subjectAltNames, String sni, boolean insecureSkipVerify) {
    public enum Mode {
        DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL
    }

    public ClientTlsSettings {
        Objects.requireNonNull(mode, "mode");
        clientCertificate = Objects.requireNonNullElse(clientCertificate, "");
        privateKey = Objects.requireNonNullElse(privateKey, "");
        caCertificates = Objects.requireNonNullElse(caCertificates, "");
        caCrl = Objects.requireNonNullElse(caCrl, "");
        credentialName = Objects.requireNonNullElse(credentialName, "");
        subjectAltNames = List.copyOf(subjectAltNames);
        sni = Objects.requireNonNullElse(sni, "");
    }
}
