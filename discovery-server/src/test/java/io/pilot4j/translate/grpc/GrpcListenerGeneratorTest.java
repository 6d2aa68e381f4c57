package io.pilot4j.translate.grpc;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GrpcListenerGeneratorTest {
    private final GrpcListenerGenerator lds = new GrpcListenerGenerator();
    private final ProxyView client = Proxies.grpc("default");

    private static PushContext push() {
        return new PushFixture()
                .kube("reviews", "default").grpc(9080).vip("10.96.0.10").and()
                .kube("reviews", "shop").grpc(9080).and()
                .kube("multi", "default").grpc(7070).http(8080).and()
                .kube("raw", "default").port("", 5000, Protocol.UNSUPPORTED).and()
                .kube("mysql", "default").tcp(3306).and()
                .host("api.example.com", "default").grpc(443).and()
                .kube("secret", "vault").grpc(9000).exportTo(".").and()
                .build();
    }

    private String routeOf(String requested) throws Exception {
        List<XdsResource> out = lds.generate(client, push(), ResourceNames.of(requested));
        assertEquals(1, out.size(), () -> requested + " gave " + out);
        Listener l = (Listener) out.get(0).resource();
        assertEquals(requested, out.get(0).name());
        assertEquals(requested, l.getName());
        return l.getApiListener().getApiListener().unpack(HttpConnectionManager.class).getRds().getRouteConfigName();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "reviews:9080,                          outbound|9080||reviews.default.svc.cluster.local",
            "reviews,                               outbound|9080||reviews.default.svc.cluster.local",
            "reviews.default:9080,                  outbound|9080||reviews.default.svc.cluster.local",
            "reviews.default.svc:9080,              outbound|9080||reviews.default.svc.cluster.local",
            "reviews.default.svc.cluster.local:9080, outbound|9080||reviews.default.svc.cluster.local",
            "reviews.shop.svc.cluster.local:9080,   outbound|9080||reviews.shop.svc.cluster.local",
            "multi:7070,                            outbound|7070||multi.default.svc.cluster.local",
            "raw:5000,                              outbound|5000||raw.default.svc.cluster.local",
            "api.example.com:443,                   outbound|443||api.example.com",
    })
    void answersTheRequestedNameWithTheRouteOfItsService(String requested, String route) throws Exception {
        assertEquals(route, routeOf(requested));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "reviews.shop:9080",    // another namespace's short form is not expanded (Istio's tryFindFQDN)
            "reviews:9999",         // no such port
            "multi",                // two ports: which one?
            "mysql:3306",           // declared TCP: not routable over gRPC
            "secret.vault.svc.cluster.local:9000", // exportTo "." hides it from default
            "nope:80",
            "reviews:",
    })
    void answersNothingForNamesThatResolveToNoServicePort(String requested) {
        assertEquals(List.of(), lds.generate(client, push(), ResourceNames.of(requested)));
    }

    @Test
    void listenerIsAnApiListenerOverAdsWithTheFaultAndRouterFilters() throws Exception {
        Listener l = (Listener) lds.generate(client, push(), ResourceNames.of("reviews:9080")).get(0).resource();

        assertEquals("10.96.0.10", l.getAddress().getSocketAddress().getAddress());
        assertEquals(9080, l.getAddress().getSocketAddress().getPortValue());
        assertEquals(0, l.getFilterChainsCount());
        assertEquals(HttpConnectionManager.newBuilder()
                .setRds(Rds.newBuilder()
                        .setConfigSource(ConfigSource.newBuilder()
                                .setAds(AggregatedConfigSource.getDefaultInstance())
                                .setResourceApiVersion(ApiVersion.V3))
                        .setRouteConfigName("outbound|9080||reviews.default.svc.cluster.local"))
                .addHttpFilters(HttpFilter.newBuilder()
                        .setName("envoy.filters.http.fault")
                        .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault.getDefaultInstance())))
                .addHttpFilters(HttpFilter.newBuilder()
                        .setName("envoy.filters.http.router")
                        .setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .build(), l.getApiListener().getApiListener().unpack(HttpConnectionManager.class));
    }

    @Test
    void serviceWithoutVipListensOnTheWildcardAddress() {
        Listener l = (Listener) lds.generate(client, push(), ResourceNames.of("multi:7070")).get(0).resource();

        assertEquals("0.0.0.0", l.getAddress().getSocketAddress().getAddress());
    }

    @Test
    void everySpellingRequestedGetsItsOwnListener() {
        List<XdsResource> out = lds.generate(client, push(),
                ResourceNames.of("reviews:9080", "reviews.default:9080", "unknown:1"));

        assertEquals(List.of("reviews.default:9080", "reviews:9080"), out.stream().map(XdsResource::name).toList());
    }

    @Test
    void exactHostnameWinsOverExpansion() throws Exception {
        PushContext push = new PushFixture()
                .kube("foo", "default").grpc(80).and()
                .host("foo", "default").grpc(80).and()
                .build();

        Listener l = (Listener) lds.generate(client, push, ResourceNames.of("foo:80")).get(0).resource();

        assertEquals("outbound|80||foo",
                l.getApiListener().getApiListener().unpack(HttpConnectionManager.class).getRds().getRouteConfigName());
    }

    @ParameterizedTest(name = "{0} from {1} -> {2}")
    @CsvSource({
            "reviews,                  default.svc.cluster.local, default, reviews.default.svc.cluster.local",
            "reviews.default,          default.svc.cluster.local, default, reviews.default.svc.cluster.local",
            "reviews.default.svc,      default.svc.cluster.local, default, reviews.default.svc.cluster.local",
            "reviews.shop,             default.svc.cluster.local, default, ''",
            "reviews.default.svc.cluster.local, default.svc.cluster.local, default, ''",
            "reviews,                  corp.example,              default, reviews.corp.example",
    })
    void shortNamesExpandLikeIstiosTryFindFqdn(String host, String dnsDomain, String ns, String expected) {
        ProxyView proxy = ProxyView.of(Proxy.fromNode("sidecar~10.0.0.3~c." + ns + "~" + dnsDomain,
                Map.of(Proxy.GENERATOR, "grpc", Proxy.NAMESPACE, ns), Map.of()));

        assertEquals(expected, GrpcListenerName.fqdn(host, proxy).orElse(""));
    }
}
