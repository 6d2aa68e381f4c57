package io.pilot4j.translate.listener;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;

/** The tls_inspector listener filter, which a listener needs when its filter chains match on SNI. */
public final class SniInspection {
    public static final String TLS_INSPECTOR = "envoy.filters.listener.tls_inspector";

    private SniInspection() {
    }

    /** Adds tls_inspector when some chain matches server names: Envoy reads them from the ClientHello before it picks. */
    public static Listener.Builder addIfNeeded(Listener.Builder listener) {
        boolean sni = listener.getFilterChainsList().stream().anyMatch(c -> c.getFilterChainMatch().getServerNamesCount() > 0);
        if (sni) {
            listener.addListenerFilters(ListenerFilter.newBuilder()
                    .setName(TLS_INSPECTOR)
                    .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())));
        }
        return listener;
    }
}
