package io.pilot4j.model.networking;

import io.pilot4j.model.Kind;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Istio's Gateway: the listeners of the routers its selector matches ({@link MergedGateway}); router listeners and
 * routes are generated from it (HTTP, HTTPS and TLS termination with certificate files, TLS passthrough, TCP).
 * credentialName (SDS), ISTIO_MUTUAL, AUTO_PASSTHROUGH and bind are held but not served: such servers are skipped and
 * reported.
 */
public record Gateway(ConfigMeta meta, Map<String, String> selector, List<Server> servers) implements TrafficRule {
    @Override
    public Kind kind() {
        return Kind.GATEWAY;
    }


    /** @param hosts {@code namespace/host} or {@code host} entries the server admits */
    public record Server(String name, int port, String portName, String protocol, int targetPort, List<String> hosts,
                         String bind, Optional<ServerTlsSettings> tls) {
        public Server {
            name = Objects.requireNonNullElse(name, "");
            portName = Objects.requireNonNullElse(portName, "");
            protocol = Objects.requireNonNullElse(protocol, "");
            hosts = List.copyOf(hosts);
            bind = Objects.requireNonNullElse(bind, "");
            Objects.requireNonNull(tls, "tls");
        }
    }

    /**
     * @param mode                  PASSTHROUGH, SIMPLE, MUTUAL, AUTO_PASSTHROUGH, ISTIO_MUTUAL or OPTIONAL_MUTUAL
     * @param moreCertificates      Istio's tlsCertificates: more certificate and key pairs (e.g. RSA and ECDSA), beside
     *                              or instead of serverCertificate/privateKey
     * @param caCrl                 client certificates revoked, a file; empty for none
     * @param caCertCredentialName  the client CA as a secret: not served yet (SDS), so the server is skipped
     * @param verifyCertificateSpki client certificates accepted, by their SPKI's SHA-256 (base64)
     * @param verifyCertificateHash client certificates accepted, by their SHA-256 (hex)
     */
    public record ServerTlsSettings(String mode, boolean httpsRedirect, String serverCertificate, String privateKey,
                                    List<CertificateFiles> moreCertificates, String caCertificates, String caCrl,
                                    String credentialName, String caCertCredentialName, List<String> subjectAltNames,
                                    List<String> verifyCertificateSpki, List<String> verifyCertificateHash,
                                    String minProtocolVersion, String maxProtocolVersion, List<String> cipherSuites) {
        public ServerTlsSettings {
            mode = Objects.requireNonNullElse(mode, "PASSTHROUGH");
            serverCertificate = Objects.requireNonNullElse(serverCertificate, "");
            privateKey = Objects.requireNonNullElse(privateKey, "");
            moreCertificates = List.copyOf(moreCertificates);
            caCertificates = Objects.requireNonNullElse(caCertificates, "");
            caCrl = Objects.requireNonNullElse(caCrl, "");
            credentialName = Objects.requireNonNullElse(credentialName, "");
            caCertCredentialName = Objects.requireNonNullElse(caCertCredentialName, "");
            subjectAltNames = List.copyOf(subjectAltNames);
            verifyCertificateSpki = List.copyOf(verifyCertificateSpki);
            verifyCertificateHash = List.copyOf(verifyCertificateHash);
            minProtocolVersion = Objects.requireNonNullElse(minProtocolVersion, "");
            maxProtocolVersion = Objects.requireNonNullElse(maxProtocolVersion, "");
            cipherSuites = List.copyOf(cipherSuites);
        }

        /** Every certificate and key pair the server offers, in order. */
        public List<CertificateFiles> certificates() {
            List<CertificateFiles> out = new java.util.ArrayList<>();
            if (!serverCertificate.isEmpty() || !privateKey.isEmpty()) {
                out.add(new CertificateFiles(serverCertificate, privateKey));
            }
            out.addAll(moreCertificates);
            return out;
        }
    }

    /** A certificate chain and its private key, as files the router reads. */
    public record CertificateFiles(String certificateChain, String privateKey) {
    }

    public Gateway {
        Objects.requireNonNull(meta, "meta");
        selector = Map.copyOf(selector);
        servers = List.copyOf(servers);
    }
}
