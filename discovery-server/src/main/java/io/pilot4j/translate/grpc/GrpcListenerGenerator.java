package io.pilot4j.translate.grpc;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.model.SubsetKey;
import io.pilot4j.translate.AdsConfigSource;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;
import io.pilot4j.translate.listener.HttpFilters;
import io.pilot4j.translate.listener.RouterFilter;

import java.util.ArrayList;
import java.util.List;

/**
 * LDS for proxyless gRPC (Istio's grpcgen BuildListeners, client side): an API listener per requested name,
 * named exactly as requested, whose connection manager fetches route config {@code outbound|PORT||FQDN}.
 *
 * <p>A name that matches no visible service port gets no listener: in state-of-the-world LDS grpc-java reads
 * absence as "does not exist" and fails the channel with that reason. Server-side (inbound) listeners are not
 * generated yet.
 */
public final class GrpcListenerGenerator implements XdsGenerator {

    @Override
    public List<XdsResource> generate(ProxyView proxy, PushContext push, ResourceNames names) {
        List<XdsResource> out = new ArrayList<>();
        if (names.wildcard()) {
            // grpc-java always names its listeners; a wildcard request serves debug dumps, under FQDN:PORT names.
            for (Service s : proxy.visibleServices(push)) {
                for (ServicePort p : s.ports()) {
                    if (GrpcPorts.routable(p)) {
                        add(out, s.hostname() + ":" + p.port(), s, p);
                    }
                }
            }
            return out;
        }
        for (String name : names.names()) {
            GrpcListenerName.parse(name).resolve(proxy, push).ifPresent(t -> add(out, name, t.service(), t.port()));
        }
        return out;
    }

    private static void add(List<XdsResource> out, String name, Service service, ServicePort port) {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setRds(Rds.newBuilder()
                        .setConfigSource(AdsConfigSource.forGrpc())
                        .setRouteConfigName(SubsetKey.outbound(service.hostname(), port.port()).toString()))
                // grpc-java NACKs a connection manager without HTTP filters, and one whose last is not the router.
                // The fault filter is there for routes to configure (a VirtualService's fault), as in Istio's grpcgen.
                .addHttpFilters(HttpFilters.fault())
                .addHttpFilters(RouterFilter.get())
                .build();
        Listener listener = Listener.newBuilder()
                .setName(name)
                .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                        .setAddress(service.address().orElse("0.0.0.0"))
                        .setPortValue(port.port())))
                .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
                .build();
        out.add(new XdsResource(name, listener));
    }
}
