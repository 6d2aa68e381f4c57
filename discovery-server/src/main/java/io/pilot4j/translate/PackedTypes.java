package io.pilot4j.translate;

import com.google.protobuf.Descriptors.Descriptor;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.original_src.v3.OriginalSrc;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.transport_sockets.proxy_protocol.v3.ProxyProtocolUpstreamTransport;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;

import java.util.List;

/**
 * Every message type the generators pack into an {@code Any} inside a resource (filters, protocol options,
 * predicates). A JSON printer needs them all to print a resource; keep this list next to the generators so a
 * new packed type is added here in the same change.
 */
public final class PackedTypes {
    private static final List<Descriptor> DESCRIPTORS = List.of(
            HttpConnectionManager.getDescriptor(),
            Router.getDescriptor(),
            TcpProxy.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.network.mongo_proxy.v3.MongoProxy.getDescriptor(),
            HttpProtocolOptions.getDescriptor(),
            PreviousHostsPredicate.getDescriptor(),
            io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig.getDescriptor(),
            HTTPFault.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.http.grpc_stats.v3.FilterConfig.getDescriptor(),
            io.envoyproxy.envoy.extensions.filters.http.grpc_web.v3.GrpcWeb.getDescriptor(),
            Cors.getDescriptor(),
            CorsPolicy.getDescriptor(),
            UpstreamTlsContext.getDescriptor(),
            DownstreamTlsContext.getDescriptor(),
            TlsInspector.getDescriptor(),
            HttpInspector.getDescriptor(),
            OriginalDst.getDescriptor(),
            OriginalSrc.getDescriptor(),
            ProxyProtocolUpstreamTransport.getDescriptor(),
            RawBuffer.getDescriptor());

    private PackedTypes() {
    }

    public static List<Descriptor> descriptors() {
        return DESCRIPTORS;
    }
}
