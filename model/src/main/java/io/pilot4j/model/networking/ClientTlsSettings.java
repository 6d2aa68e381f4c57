package io.pilot4j.model.networking;

import java.util.List;
import java.util.Objects;

/**
 * Istio's ClientTLSSettings: TLS from the proxy to the destination. File paths are read by the proxy.
 *
 * @param credentialName a Kubernetes secret (held; SDS is not served yet)
 */
public record ClientTlsSettings(Mode mode, String clientCertificate, String privateKey, String caCertificates,
                                String credentialName, List<String> subjectAltNames, String sni, boolean insecureSkipVerify) {
    public enum Mode {
        DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL
    }

    public ClientTlsSettings {
        Objects.requireNonNull(mode, "mode");
        clientCertificate = Objects.requireNonNullElse(clientCertificate, "");
        privateKey = Objects.requireNonNullElse(privateKey, "");
        caCertificates = Objects.requireNonNullElse(caCertificates, "");
        credentialName = Objects.requireNonNullElse(credentialName, "");
        subjectAltNames = List.copyOf(subjectAltNames);
        sni = Objects.requireNonNullElse(sni, "");
    }
}
