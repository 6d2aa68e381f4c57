package io.pilot4j.translate.listener;

import com.google.protobuf.Any;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.pilot4j.mesh.MeshConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Istio's protocol sniffing for ports that declare no protocol: http_inspector reads a connection's first bytes,
 * and a chain matching the application protocols it reports takes HTTP (so HTTP routes and VirtualServices apply),
 * while the port's TCP chains take the rest. Both kinds of chain match Envoy's transport protocol of a connection no
 * tls_inspector has called TLS ({@value #RAW_BUFFER}), so the HTTP chain is the more specific and the TCP chains the
 * fallback within it.
 */
public final class ProtocolSniffing {
    public static final String HTTP_INSPECTOR = "envoy.filters.listener.http_inspector";
    /** What http_inspector reports for HTTP/1.1 and cleartext HTTP/2 (Istio's plaintextHTTPALPNs, without HTTP/1.0). */
    public static final List<String> HTTP_PROTOCOLS = List.of("http/1.1", "h2c");
    /** Envoy's transport protocol of a connection no tls_inspector has called TLS. */
    public static final String RAW_BUFFER = "raw_buffer";

    private ProtocolSniffing() {
    }

    /**
     * An outbound sniffed port's chains: {@code tcp} (a VirtualService's tcp routes, or the service's cluster), then
     * the HTTP chain, whose connection manager takes routes {@code routeName} from RDS.
     */
    public static List<FilterChain> outboundChains(List<FilterChain> tcp, String statPrefix, String routeName) {
        List<FilterChain> out = new ArrayList<>();
        for (FilterChain c : tcp) {
            out.add(c.toBuilder().setFilterChainMatch(c.getFilterChainMatch().toBuilder().setTransportProtocol(RAW_BUFFER)).build());
        }
        out.add(FilterChain.newBuilder()
                .setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol(RAW_BUFFER).addAllApplicationProtocols(HTTP_PROTOCOLS))
                .addFilters(HttpConnectionManagers.filter(OutboundListener.httpConnectionManager(statPrefix, routeName)))
                .build());
        return out;
    }

    /**
     * Adds http_inspector to an outbound listener where some chain matches application protocols, with the mesh's
     * protocolDetectionTimeout for the first bytes (Istio's: none by default, for server-first protocols wait).
     */
    public static Listener.Builder addInspectorIfNeeded(Listener.Builder listener, MeshConfig mesh) {
        boolean sniffed = listener.getFilterChainsList().stream().anyMatch(c -> c.getFilterChainMatch().getApplicationProtocolsCount() > 0);
        if (sniffed) {
            listener.addListenerFilters(inspector())
                    .setListenerFiltersTimeout(Durations.fromNanos(mesh.protocolDetectionTimeout().toNanos()))
                    .setContinueOnListenerFiltersTimeout(true);
        }
        return listener;
    }

    static ListenerFilter.Builder inspector() {
        return ListenerFilter.newBuilder().setName(HTTP_INSPECTOR).setTypedConfig(Any.pack(HttpInspector.getDefaultInstance()));
    }

    /** The route configuration of a sniffed port of a service with its own listener: Istio's {@code HOST:PORT}. */
    public static String routeName(String hostname, int port) {
        return hostname + ":" + port;
    }
}
