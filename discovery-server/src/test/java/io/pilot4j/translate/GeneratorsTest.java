package io.pilot4j.translate;

import io.envoyproxy.controlplane.cache.Resources;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.cluster.ClusterGenerator;
import io.pilot4j.translate.endpoint.EndpointGenerator;
import io.pilot4j.translate.gateway.GatewayListenerGenerator;
import io.pilot4j.translate.gateway.GatewayRouteGenerator;
import io.pilot4j.translate.grpc.GrpcClusterGenerator;
import io.pilot4j.translate.grpc.GrpcListenerGenerator;
import io.pilot4j.translate.grpc.GrpcRouteGenerator;
import io.pilot4j.translate.listener.ListenerGenerator;
import io.pilot4j.translate.route.RouteGenerator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class GeneratorsTest {
    private static final List<String> ORDER = List.of(Resources.V3.CLUSTER_TYPE_URL, Resources.V3.ENDPOINT_TYPE_URL,
            Resources.V3.LISTENER_TYPE_URL, Resources.V3.ROUTE_TYPE_URL);

    @Test
    void sidecarGetsEnvoyGeneratorsInPushOrder() {
        Map<String, XdsGenerator> g = Generators.forView(Proxies.sidecar("default"));

        assertEquals(ORDER, List.copyOf(g.keySet()));
        assertInstanceOf(ClusterGenerator.class, g.get(Resources.V3.CLUSTER_TYPE_URL));
        assertInstanceOf(EndpointGenerator.class, g.get(Resources.V3.ENDPOINT_TYPE_URL));
        assertInstanceOf(ListenerGenerator.class, g.get(Resources.V3.LISTENER_TYPE_URL));
        assertInstanceOf(RouteGenerator.class, g.get(Resources.V3.ROUTE_TYPE_URL));
    }

    @Test
    void routerGetsClustersAndEndpointsAndGatewayListenersAndRoutes() {
        Map<String, XdsGenerator> g = Generators.forView(Proxies.router("istio-system"));
        PushContext push = new PushFixture().kube("reviews", "default").http(9080).build();
        ProxyView router = Proxies.router("istio-system");

        assertEquals(ORDER, List.copyOf(g.keySet()));
        assertInstanceOf(ClusterGenerator.class, g.get(Resources.V3.CLUSTER_TYPE_URL));
        assertInstanceOf(EndpointGenerator.class, g.get(Resources.V3.ENDPOINT_TYPE_URL));
        assertInstanceOf(GatewayListenerGenerator.class, g.get(Resources.V3.LISTENER_TYPE_URL));
        assertInstanceOf(GatewayRouteGenerator.class, g.get(Resources.V3.ROUTE_TYPE_URL));
        assertEquals(List.of(), g.get(Resources.V3.LISTENER_TYPE_URL).generate(router, push, ResourceNames.all()), "no Gateway selects it");
        assertEquals(List.of(), g.get(Resources.V3.ROUTE_TYPE_URL).generate(router, push, ResourceNames.all()));
    }

    @Test
    void proxylessGrpcGetsTheGrpcFlavourWhateverItsNodeType() {
        ProxyView grpcRouter = ProxyView.of(Proxy.fromNode("router~10.0.0.9~gw.default~default.svc.cluster.local",
                Map.of(Proxy.GENERATOR, "grpc"), Map.of()));
        for (ProxyView proxy : List.of(Proxies.grpc("default"), grpcRouter)) {
            Map<String, XdsGenerator> g = Generators.forView(proxy);

            assertEquals(ORDER, List.copyOf(g.keySet()));
            assertInstanceOf(GrpcClusterGenerator.class, g.get(Resources.V3.CLUSTER_TYPE_URL));
            assertInstanceOf(EndpointGenerator.class, g.get(Resources.V3.ENDPOINT_TYPE_URL));
            assertInstanceOf(GrpcListenerGenerator.class, g.get(Resources.V3.LISTENER_TYPE_URL));
            assertInstanceOf(GrpcRouteGenerator.class, g.get(Resources.V3.ROUTE_TYPE_URL));
        }
    }
}
