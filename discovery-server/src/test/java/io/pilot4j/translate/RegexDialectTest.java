package io.pilot4j.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.pilot4j.bootstrap.RuntimeLayers;
import io.pilot4j.kube.Yaml;
import io.pilot4j.kube.networking.VirtualServiceConversion;
import io.pilot4j.translate.listener.RouterFilter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The regex dialect of rule validation against Envoy's own: each regex is validated as a VirtualService's uri regex
 * and compiled by a real Envoy (a route config holding it, in a bootstrap with Istio's runtime layers), and the two
 * must agree. Skipped without an envoy binary.
 *
 * <p>The cases: the bugs that froze route configs (Java-only syntax that Envoy refuses), RE2 syntax Java refused,
 * Java/RE2 differences from both dialects' documentation, and RE2's limits (repetition, program size, wide escapes).
 */
class RegexDialectTest {
    /** Refused by validation although Envoy's RE2 takes them; Go's regexp (Istio's validation) refuses them too. */
    private static final Set<String> STRICTER_THAN_ENVOY = Set.of("\\C");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // Java-only: lookaround, backreferences, possessive and atomic groups, Java escapes.
            "/api/(?=v1).*", "/(a+)/\\1", "(?<=a)b", "(?<!a)b", "(?>a)", "a*+", "a++", "\\k<n>", "\\Z", "\\h", "\\R", "\\X", "\\G",
            "\\cA", "\\e", "\\u0041", "\\N{U+41}", "(?#comment)", "(?P=id)", "x{2}{3}",
            // RE2 (and Go) syntax Java refused or reads otherwise.
            "/u/(?P<id>[0-9]+)", "/u/(?<id>[0-9]+)", "[[:alpha:]]+", "[[:word:]]", "\\pN", "\\p{Greek}", "\\pL+", "(?U)a+", "\\z",
            "\\A", "\\Qa.b\\E", "\\x41", "\\x{FF}", "\\07", "a{,3}", "[]a]", "[^]a]", "[a-z&&[^b]]",
            // Common route regexes.
            "/api/v[0-9]+/users/[a-z0-9-]{1,36}", "^/static/.*\\.(css|js)$", "(?i)/Admin.*", ".*", "https://([a-z]+\\.)?example\\.com",
            // RE2's limits: one repetition, nested ones, program size, character codes.
            "a{1000}", "x{1001}", "(a{10}){100}", "(a{10}){101}", "((a{2}){2}){250}", "((a{2}){2}){251}", "(a{2,}){500}", "(a{2,}){501}",
            "(a{0,2}){501}", "(a*){1000}", "[a-z]{1000}", "([a-z0-9]{0,63}\\.){1,15}", "\\x{100}", "[\\x{100}-\\x{200}]",
            // Syntax errors of every dialect.
            "/api/(v1", "*", "[", "a{2,1}", "(?i", ")"})
    void validationAgreesWithEnvoy(String regex) throws Exception {
        EnvoyValidator envoy = EnvoyValidator.assumeAvailable();
        boolean envoyTakes = envoy.validate(bootstrapWith(regex)).valid();

        boolean validationTakes = validates(regex);

        assertEquals(envoyTakes && !STRICTER_THAN_ENVOY.contains(regex), validationTakes,
                () -> "Envoy " + (envoyTakes ? "takes" : "refuses") + " " + regex);
    }

    /** Program size: Envoy's error names it, validation counts it low, so only a clear excess is compared. */
    @ParameterizedTest(name = "{0} copies of a{1000}")
    @ValueSource(ints = {32, 33})
    void programSizeAgreesWithEnvoy(int copies) throws Exception {
        EnvoyValidator envoy = EnvoyValidator.assumeAvailable();
        String regex = "a{1000}".repeat(copies);

        assertEquals(envoy.validate(bootstrapWith(regex)).valid(), validates(regex));
    }

    private static boolean validates(String regex) {
        VirtualService vs = Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: r, namespace: default}
                spec:
                  hosts: [a]
                  http: [{match: [{uri: {regex: '%s'}}], route: [{destination: {host: a}}]}]
                """.formatted(regex.replace("'", "''")), VirtualService.class);
        return VirtualServiceConversion.convert(vs, vs.getSpec(), "cluster.local").isValid();
    }

    private static Bootstrap bootstrapWith(String regex) {
        RouteConfiguration routes = RouteConfiguration.newBuilder().setName("regex")
                .addVirtualHosts(VirtualHost.newBuilder().setName("any").addDomains("*")
                        .addRoutes(Route.newBuilder()
                                .setMatch(RouteMatch.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(regex)))
                                .setDirectResponse(DirectResponseAction.newBuilder().setStatus(200))))
                .build();
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix("regex").setRouteConfig(routes)
                .addHttpFilters(RouterFilter.get()).build();
        Listener listener = Listener.newBuilder().setName("regex")
                .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(15999)))
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm))))
                .build();
        Bootstrap.Builder b = Bootstrap.newBuilder()
                .setNode(Node.newBuilder().setId("regex").setCluster("regex"))
                .setLayeredRuntime(RuntimeLayers.istio());
        b.getStaticResourcesBuilder().addListeners(listener);
        return b.build();
    }
}
