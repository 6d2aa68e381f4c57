package io.pilot4j.translate.route;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Istio's GenerateAltVirtualHosts, case by case (the cases of Istio's own httproute_test where they apply). */
class VirtualHostDomainsTest {

    static Stream<Arguments> altHosts() {
        return Stream.of(
                arguments("same namespace", "foo.default.svc.cluster.local", 0, "default.svc.cluster.local",
                        List.of("foo.default.svc.cluster.local.", "foo", "foo.default.svc", "foo.default")),
                arguments("other namespace", "foo.bar.svc.cluster.local", 0, "default.svc.cluster.local",
                        List.of("foo.bar.svc.cluster.local.", "foo.bar", "foo.bar.svc")),
                arguments("same namespace with port", "foo.default.svc.cluster.local", 80, "default.svc.cluster.local",
                        List.of("foo.default.svc.cluster.local.", "foo.default.svc.cluster.local.:80",
                                "foo", "foo:80", "foo.default.svc", "foo.default.svc:80", "foo.default", "foo.default:80")),
                arguments("other namespace with port", "foo.bar.svc.cluster.local", 80, "default.svc.cluster.local",
                        List.of("foo.bar.svc.cluster.local.", "foo.bar.svc.cluster.local.:80",
                                "foo.bar", "foo.bar:80", "foo.bar.svc", "foo.bar.svc:80")),
                arguments("other cluster domain", "foo.default.svc.other.local", 0, "default.svc.cluster.local",
                        List.of("foo.default.svc.other.local.")),
                arguments("ServiceEntry host", "api.example.com", 0, "default.svc.cluster.local",
                        List.of("api.example.com.")),
                arguments("host shaped like kube but not", "foo.svc.cluster.local", 0, "default.svc.cluster.local",
                        List.of("foo.svc.cluster.local.")),
                arguments("proxy outside kubernetes, shared suffix", "foo.local.campus.net", 0, "local.campus.net",
                        List.of("foo.local.campus.net.", "foo")),
                arguments("proxy outside kubernetes, two unique parts", "foo.remote.campus.net", 80, "local.campus.net",
                        List.of("foo.remote.campus.net.", "foo.remote.campus.net.:80",
                                "foo.remote", "foo.remote:80", "foo.remote.campus", "foo.remote.campus:80")),
                arguments("proxy outside kubernetes, nothing shared", "foo.example.com", 0, "local.campus.net",
                        List.of("foo.example.com.")),
                arguments("no proxy domain", "foo.example.com", 0, "",
                        List.of("foo.example.com.")),
                arguments("IP hostname", "10.1.2.3", 80, "default.svc.cluster.local",
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void altHosts(String description, String hostname, int port, String proxyDomain, List<String> expected) {
        assertEquals(expected, VirtualHostDomains.altHosts(hostname, port, proxyDomain));
    }
}
