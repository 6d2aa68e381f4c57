package io.pilot4j.model.networking;

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

    /** @param mode PASSTHROUGH, SIMPLE, MUTUAL, AUTO_PASSTHROUGH, ISTIO_MUTUAL or OPTIONAL_MUTUAL */
    public record ServerTlsSettings(String mode, boolean httpsRedirect, String serverCertificate, String privateKey,
                                    String caCertificates, String credentialName, List<String> subjectAltNames,
                                    String minProtocolVersion, String maxProtocolVersion) {
        public ServerTlsSettings {
            mode = Objects.requireNonNullElse(mode, "PASSTHROUGH");
            serverCertificate = Objects.requireNonNullElse(serverCertificate, "");
            privateKey = Objects.requireNonNullElse(privateKey, "");
            caCertificates = Objects.requireNonNullElse(caCertificates, "");
            credentialName = Objects.requireNonNullElse(credentialName, "");
            subjectAltNames = List.copyOf(subjectAltNames);
            minProtocolVersion = Objects.requireNonNullElse(minProtocolVersion, "");
            maxProtocolVersion = Objects.requireNonNullElse(maxProtocolVersion, "");
        }
    }

    public Gateway {
        Objects.requireNonNull(meta, "meta");
        selector = Map.copyOf(selector);
        servers = List.copyOf(servers);
    }
}
