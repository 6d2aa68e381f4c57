package io.pilot4j.translate.gateway;

import com.google.protobuf.TextFormat;
import com.google.protobuf.TypeRegistry;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.pilot4j.translate.gateway.GatewayRoutesTest.ROUTER;
import static io.pilot4j.translate.gateway.GatewayRoutesTest.gateway;
import static io.pilot4j.translate.gateway.GatewayRoutesTest.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Gateway LDS, Gateway and VirtualService YAML in, the router's listeners out, compared by value (protobuf text):
 * merging servers of several Gateways per port, HTTP, HTTPS with certificate files, TCP, and the servers that are
 * skipped (and reported in the rule analysis) rather than served wrongly.
 */
class GatewayListenersTest {
    private static final TextFormat.Parser TEXT = TextFormat.Parser.newBuilder()
            .setTypeRegistry(TypeRegistry.newBuilder()
                    .add(HttpConnectionManager.getDescriptor())
                    .add(HTTPFault.getDescriptor())
                    .add(io.envoyproxy.envoy.extensions.filters.http.grpc_stats.v3.FilterConfig.getDescriptor())
                    .add(Cors.getDescriptor())
                    .add(Router.getDescriptor())
                    .add(TcpProxy.getDescriptor())
                    .add(DownstreamTlsContext.getDescriptor())
                    .add(TlsInspector.getDescriptor())
                    .build())
            .build();

    private static String hcm(String statPrefix, String routeName) {
        return """
                filters {
                  name: "envoy.filters.network.http_connection_manager"
                  typed_config {
                    [type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager] {
                      stat_prefix: "%s"
                      rds { config_source { ads {} initial_fetch_timeout {} resource_api_version: V3 } route_config_name: "%s" }
                      http_filters { name: "envoy.filters.http.grpc_stats" typed_config { [type.googleapis.com/envoy.extensions.filters.http.grpc_stats.v3.FilterConfig] { emit_filter_state: true stats_for_all_methods { } } } }
                      http_filters { name: "envoy.filters.http.fault" typed_config { [type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault] {} } }
                      http_filters { name: "envoy.filters.http.cors" typed_config { [type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors] {} } }
                      http_filters { name: "envoy.filters.http.router" typed_config { [type.googleapis.com/envoy.extensions.filters.http.router.v3.Router] {} } }
                      upgrade_configs { upgrade_type: "websocket" }
                      stream_idle_timeout {}
                      normalize_path { value: true }
                      path_with_escaped_slashes_action: KEEP_UNCHANGED
                      use_remote_address { value: true }
                      forward_client_cert_details: SANITIZE_SET
                      set_current_client_cert_details { subject { value: true } cert: true dns: true uri: true }
                    }
                  }
                }
                """.formatted(statPrefix, routeName);
    }

    private static String tls(String cert, String key, String extra) {
        return """
                transport_socket {
                  name: "envoy.transport_sockets.tls"
                  typed_config {
                    [type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext] {
                      common_tls_context {
                        alpn_protocols: "h2" alpn_protocols: "http/1.1"
                        tls_certificates { certificate_chain { filename: "%s" } private_key { filename: "%s" } }
                        %s
                      }
                      require_client_certificate { value: %s }
                    }
                  }
                }
                transport_socket_connect_timeout { seconds: 15 }
                """.formatted(cert, key, extra, extra.contains("validation_context") ? "true" : "false");
    }

    private static final String SNI = """
            listener_filters {
              name: "envoy.filters.listener.tls_inspector"
              typed_config { [type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector] {} }
            }
            """;

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("HTTP servers of two Gateways on one port share one listener and http.PORT", gateway("a", "istio-system", """
                        - port: {number: 8080, name: http, protocol: HTTP}
                          hosts: [a.example.com]
                        """) + gateway("b", "shop", """
                        - port: {number: 8080, name: http-b, protocol: HTTP2}
                          hosts: [b.example.com]
                        """), List.of("""
                        name: "0.0.0.0_8080"
                        address { socket_address { address: "0.0.0.0" port_value: 8080 } }
                        filter_chains {
                        """ + hcm("outbound_0.0.0.0_8080", "http.8080") + """
                        }
                        traffic_direction: OUTBOUND
                        """)),
                arguments("HTTPS: a filter chain per server, matched by SNI, terminating TLS with the files named", gateway("gw", "istio-system", """
                        - port: {number: 8443, name: https, protocol: HTTPS}
                          name: web
                          hosts: ["*.example.com", "example.com"]
                          tls: {mode: SIMPLE, serverCertificate: /certs/web.pem, privateKey: /certs/web.key, minProtocolVersion: TLSV1_2}
                        - port: {number: 8443, name: https-admin, protocol: HTTPS}
                          hosts: [shop/admin.internal]
                          tls: {mode: MUTUAL, serverCertificate: /certs/admin.pem, privateKey: /certs/admin.key, caCertificates: /certs/ca.pem,
                                subjectAltNames: [client.internal]}
                        """), List.of("""
                        name: "0.0.0.0_8443"
                        address { socket_address { address: "0.0.0.0" port_value: 8443 } }
                        filter_chains {
                          filter_chain_match { server_names: "*.example.com" server_names: "example.com" }
                        """ + hcm("web", "https.8443.https.gw.istio-system") + tls("/certs/web.pem", "/certs/web.key",
                        "tls_params { tls_minimum_protocol_version: TLSv1_2 }") + """
                        }
                        filter_chains {
                          filter_chain_match { server_names: "admin.internal" }
                        """ + hcm("outbound_0.0.0.0_8443", "https.8443.https-admin.gw.istio-system") + tls("/certs/admin.pem", "/certs/admin.key", """
                        validation_context {
                          trusted_ca { filename: "/certs/ca.pem" }
                          match_typed_subject_alt_names { san_type: DNS matcher { exact: "client.internal" } }
                        }
                        """) + """
                        }
                        traffic_direction: OUTBOUND
                        """ + SNI)),
                arguments("server TLS: every tlsCertificates pair, the client CA's CRL, SPKI and hash pins, typed SANs, cipher suites",
                        gateway("gw", "istio-system", """
                        - port: {number: 8443, name: https, protocol: HTTPS}
                          hosts: [api.example.com]
                          tls: {mode: MUTUAL, caCrl: /certs/crl.pem, cipherSuites: [ECDHE-ECDSA-AES128-GCM-SHA256],
                                subjectAltNames: ["spiffe://example.com/client", 10.0.0.1],
                                verifyCertificateSpki: [spki], verifyCertificateHash: [hash],
                                tlsCertificates: [{serverCertificate: /certs/rsa.pem, privateKey: /certs/rsa.key, caCertificates: /certs/ca.pem},
                                                  {serverCertificate: /certs/ec.pem, privateKey: /certs/ec.key}]}
                        """), List.of("""
                        name: "0.0.0.0_8443"
                        address { socket_address { address: "0.0.0.0" port_value: 8443 } }
                        filter_chains {
                          filter_chain_match { server_names: "api.example.com" }
                        """ + hcm("outbound_0.0.0.0_8443", "https.8443.https.gw.istio-system") + tls("/certs/rsa.pem", "/certs/rsa.key", """
                        tls_certificates { certificate_chain { filename: "/certs/ec.pem" } private_key { filename: "/certs/ec.key" } }
                        tls_params { cipher_suites: "ECDHE-ECDSA-AES128-GCM-SHA256" }
                        validation_context {
                          trusted_ca { filename: "/certs/ca.pem" }
                          verify_certificate_spki: "spki"
                          verify_certificate_hash: "hash"
                          match_typed_subject_alt_names { san_type: URI matcher { exact: "spiffe://example.com/client" } }
                          match_typed_subject_alt_names { san_type: IP_ADDRESS matcher { exact: "10.0.0.1" } }
                          crl { filename: "/certs/crl.pem" }
                        }
                        """) + """
                        }
                        traffic_direction: OUTBOUND
                        """ + SNI)),
                arguments("TCP server: the tcp route of a VirtualService bound to the gateway whose host the server admits; one for "
                                + "some sources only never serves all",
                        gateway("gw", "istio-system", """
                        - port: {number: 9000, name: tcp, protocol: TCP}
                          hosts: [db.example.com]
                        """) + vs("other-host", "default", """
                        hosts: [other.example.com]
                        gateways: [istio-system/gw]
                        tcp: [{route: [{destination: {host: ratings, port: {number: 9080}}}]}]
                        """) + vs("db", "default", """
                        hosts: [db.example.com]
                        gateways: [istio-system/gw]
                        tcp:
                        - match: [{port: 9001}]
                          route: [{destination: {host: ratings, port: {number: 9080}}}]
                        - match: [{port: 9000, sourceSubnet: 10.0.0.0/8}]
                          route: [{destination: {host: ratings, port: {number: 9080}}}]
                        - match: [{port: 9000, gateways: [istio-system/gw]}]
                          route: [{destination: {host: reviews, port: {number: 9080}}}]
                        """), List.of("""
                        name: "0.0.0.0_9000"
                        address { socket_address { address: "0.0.0.0" port_value: 9000 } }
                        filter_chains {
                          filters {
                            name: "envoy.filters.network.tcp_proxy"
                            typed_config {
                              [type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy] {
                                stat_prefix: "outbound|9080||reviews.default.svc.cluster.local"
                                cluster: "outbound|9080||reviews.default.svc.cluster.local"
                              }
                            }
                          }
                        }
                        traffic_direction: OUTBOUND
                        """)),
                arguments("a TCP server without a tcp route has nothing to proxy to: no listener", gateway("gw", "istio-system", """
                        - port: {number: 9000, name: tcp, protocol: TCP}
                          hosts: ["*"]
                        """), List.of()),
                arguments("TLS PASSTHROUGH: a filter chain per tls route match, by its SNI hosts, proxying without terminating",
                        gateway("gw", "istio-system", """
                        - port: {number: 8443, name: tls, protocol: TLS}
                          hosts: ["*.example.com"]
                          tls: {mode: PASSTHROUGH}
                        """) + vs("passthrough", "default", """
                        hosts: ["*.example.com"]
                        gateways: [istio-system/gw]
                        tls:
                        - match: [{sniHosts: [b.example.com, a.example.com]}, {sniHosts: [c.example.com], port: 9443}]
                          route: [{destination: {host: reviews, port: {number: 9080}}}]
                        - match: [{sniHosts: [a.example.com]}, {sniHosts: [d.example.com], gateways: [istio-system/gw]}]
                          route:
                          - {destination: {host: reviews, port: {number: 9080}}, weight: 50}
                          - {destination: {host: ratings, port: {number: 9080}}, weight: 50}
                        """), List.of("""
                        name: "0.0.0.0_8443"
                        address { socket_address { address: "0.0.0.0" port_value: 8443 } }
                        filter_chains {
                          filter_chain_match { server_names: "a.example.com" server_names: "b.example.com" }
                          filters {
                            name: "envoy.filters.network.tcp_proxy"
                            typed_config {
                              [type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy] {
                                stat_prefix: "outbound|9080||reviews.default.svc.cluster.local"
                                cluster: "outbound|9080||reviews.default.svc.cluster.local"
                              }
                            }
                          }
                        }
                        filter_chains {
                          filter_chain_match { server_names: "d.example.com" }
                          filters {
                            name: "envoy.filters.network.tcp_proxy"
                            typed_config {
                              [type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy] {
                                stat_prefix: "passthrough.default"
                                weighted_clusters {
                                  clusters { name: "outbound|9080||reviews.default.svc.cluster.local" weight: 50 }
                                  clusters { name: "outbound|9080||ratings.default.svc.cluster.local" weight: 50 }
                                }
                              }
                            }
                          }
                        }
                        traffic_direction: OUTBOUND
                        """ + SNI)),
                arguments("credentialName and ISTIO_MUTUAL servers are skipped; PASSTHROUGH without tls routes has no chain",
                        gateway("gw", "istio-system", """
                        - port: {number: 8443, name: https-sds, protocol: HTTPS}
                          hosts: [sds.example.com]
                          tls: {mode: SIMPLE, credentialName: sds-cert}
                        - port: {number: 8443, name: https-mtls, protocol: HTTPS}
                          hosts: [mesh.example.com]
                          tls: {mode: ISTIO_MUTUAL}
                        - port: {number: 8443, name: tls-pass, protocol: TLS}
                          hosts: [pass.example.com]
                          tls: {mode: PASSTHROUGH}
                        - port: {number: 8080, name: http, protocol: HTTP}
                          hosts: ["*"]
                        """), List.of("""
                        name: "0.0.0.0_8080"
                        address { socket_address { address: "0.0.0.0" port_value: 8080 } }
                        filter_chains {
                        """ + hcm("outbound_0.0.0.0_8080", "http.8080") + """
                        }
                        traffic_direction: OUTBOUND
                        """)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void listeners(String name, String rules, List<String> expected) throws Exception {
        PushContext push = GatewayRoutesTest.services().istio(rules).build();

        List<XdsResource> listeners = new GatewayListenerGenerator().generate(ROUTER, push, ResourceNames.all());

        List<Listener> want = new ArrayList<>();
        for (String text : expected) {
            Listener.Builder b = Listener.newBuilder();
            TEXT.merge(text, b);
            want.add(b.build());
        }
        assertEquals(want, listeners.stream().map(r -> (Listener) r.resource()).toList());
    }

    @Test
    void skippedServersAreReportedWithGatewayAndServer() {
        PushContext push = GatewayRoutesTest.services().istio(gateway("a", "istio-system", """
                - port: {number: 8443, name: https-sds, protocol: HTTPS}
                  hosts: [sds.example.com]
                  tls: {mode: SIMPLE, credentialName: sds-cert}
                - port: {number: 8080, name: http, protocol: HTTP}
                  hosts: ["*"]
                """) + gateway("b", "istio-system", """
                - port: {number: 8080, name: tcp, protocol: TCP}
                  hosts: ["*"]
                - port: {number: 8443, name: tls, protocol: TLS}
                  hosts: [pass.example.com]
                  tls: {mode: ISTIO_MUTUAL}
                """)).build();

        assertEquals(List.of(
                "analysis Gateway istio-system/a: spec.servers[0]: tls.credentialName \"sds-cert\" is not supported (pilot4j serves no "
                        + "SDS secrets): use serverCertificate and privateKey files; the server is skipped",
                "analysis Gateway istio-system/b: spec.servers[0]: port 8080 is already served by Gateway istio-system/a spec.servers[1] "
                        + "(port 8080 \"http\") with protocol HTTP; this server is skipped",
                "analysis Gateway istio-system/b: spec.servers[1]: tls.mode ISTIO_MUTUAL is not supported (pilot4j issues no mesh "
                        + "certificates); the server is skipped"),
                push.ruleAnalysis().stream().map(ConfigError::toString).toList());
    }

    @Test
    void httpsServersOfTwoGatewaysWithTheSameHostCannotShareAPort() {
        PushContext push = GatewayRoutesTest.services().istio(gateway("a", "istio-system", """
                - port: {number: 8443, name: https, protocol: HTTPS}
                  hosts: [a.example.com]
                  tls: {mode: SIMPLE, serverCertificate: /a.pem, privateKey: /a.key}
                """) + gateway("b", "istio-system", """
                - port: {number: 8443, name: https, protocol: HTTPS}
                  hosts: [a.example.com]
                  tls: {mode: SIMPLE, serverCertificate: /b.pem, privateKey: /b.key}
                """)).build();

        Listener l = (Listener) new GatewayListenerGenerator().generate(ROUTER, push, ResourceNames.all()).get(0).resource();

        assertEquals(1, l.getFilterChainsCount(), "Envoy rejects two chains with the same match");
        assertTrue(push.ruleAnalysis().get(0).message().contains("host a.example.com on port 8443 is already served by Gateway istio-system/a"),
                push.ruleAnalysis().toString());
    }

    @Test
    void gatewaysApplyToTheRoutersTheirSelectorMatchesInAnyNamespace() {
        PushContext push = GatewayRoutesTest.services().istio(gateway("gw", "shop", """
                - port: {number: 8080, name: http, protocol: HTTP}
                  hosts: ["*"]
                """)).build();
        ProxyView other = Proxies.router("istio-system", Map.of(), Map.of("istio", "egressgateway"));
        ProxyView unprivileged = Proxies.router("istio-system", Map.of("UNPRIVILEGED_POD", "true"), Map.of("istio", "ingressgateway"));

        assertEquals(List.of("0.0.0.0_8080"), names(ROUTER, push));
        assertEquals(List.of(), names(other, push));
        assertEquals(List.of("0.0.0.0_8080"), names(unprivileged, push));
    }

    @Test
    void anUnprivilegedRouterSkipsPortsBelow1024() {
        PushContext push = GatewayRoutesTest.services().istio(gateway("gw", "istio-system", """
                - port: {number: 80, name: http, protocol: HTTP}
                  hosts: ["*"]
                - port: {number: 8080, name: http-alt, protocol: HTTP}
                  hosts: ["*"]
                """)).build();
        ProxyView unprivileged = Proxies.router("istio-system", Map.of("UNPRIVILEGED_POD", "true"), Map.of("istio", "ingressgateway"));

        assertEquals(List.of("0.0.0.0_80", "0.0.0.0_8080"), names(ROUTER, push));
        assertEquals(List.of("0.0.0.0_8080"), names(unprivileged, push));
    }

    @Test
    void aPortOfTheRoutersOwnServiceListensOnItsTargetPort() throws Exception {
        // The router (10.0.0.2) is the endpoint of istio-ingressgateway, whose port 80 goes to the pod's 8080: as in
        // Istio, the Gateway's port 80 becomes listener 0.0.0.0_8080 and route config http.8080; 9443 is no port of
        // that Service and is bound as written.
        PushContext push = GatewayRoutesTest.services()
                .kube("istio-ingressgateway", "istio-system").http(80).endpoint("10.0.0.2", 8080, "http-80").and()
                .kube("local", "default").http(80).endpoint("127.0.0.1", 7000, "http-80").and()
                .istio(gateway("gw", "istio-system", """
                        - port: {number: 80, name: http, protocol: HTTP}
                          hosts: ["*"]
                        - port: {number: 9443, name: http-other, protocol: HTTP}
                          hosts: ["*"]
                        """) + """
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: VirtualService
                        metadata: {name: reviews, namespace: default}
                        spec:
                          hosts: [reviews.example.com]
                          gateways: [istio-system/gw]
                          http: [{route: [{destination: {host: reviews.default.svc.cluster.local}}]}]
                        """).build();
        ProxyView unprivileged = Proxies.router("istio-system", Map.of("UNPRIVILEGED_POD", "true"), Map.of("istio", "ingressgateway"));
        ProxyView elsewhere = ProxyView.of(io.pilot4j.model.Proxy.fromNode("router~10.0.0.9~gateway-2.istio-system~istio-system.svc.cluster.local",
                Map.of(), Map.of("istio", "ingressgateway")));

        List<XdsResource> listeners = new GatewayListenerGenerator().generate(unprivileged, push, ResourceNames.all());

        assertEquals(List.of("0.0.0.0_8080", "0.0.0.0_9443"), listeners.stream().map(XdsResource::name).toList());
        String rds = ((Listener) listeners.get(0).resource()).getFilterChains(0).getFilters(0).getTypedConfig()
                .unpack(HttpConnectionManager.class).getRds().getRouteConfigName();
        assertEquals("http.8080", rds);
        io.envoyproxy.envoy.config.route.v3.RouteConfiguration rc = (io.envoyproxy.envoy.config.route.v3.RouteConfiguration)
                new GatewayRouteGenerator().generate(unprivileged, push, ResourceNames.of("http.8080")).get(0).resource();
        assertEquals(List.of("reviews.example.com"), rc.getVirtualHosts(0).getDomainsList());
        assertEquals(List.of("0.0.0.0_80", "0.0.0.0_9443"), names(elsewhere, push), "another router is no endpoint of the Service: "
                + "its ports are bound as written");
        ProxyView local = ProxyView.of(io.pilot4j.model.Proxy.fromNode("router~127.0.0.1~gateway-3.istio-system~istio-system.svc.cluster.local",
                Map.of(), Map.of("istio", "ingressgateway")));
        assertEquals(List.of("0.0.0.0_80", "0.0.0.0_9443"), names(local, push), "a router on loopback is a local process, not the "
                + "pod behind a Service, even with a backend on 127.0.0.1");
    }

    @Test
    void theViewKeepsTheLabelsGatewaySelectorsRead() {
        PushContext push = GatewayRoutesTest.services().istio(gateway("gw", "istio-system", """
                - port: {number: 8080, name: http, protocol: HTTP}
                  hosts: ["*"]
                """)).build();
        ProxyView router = Proxies.router("istio-system", Map.of(), Map.of("istio", "ingressgateway", "pod-template-hash", "abc"));

        ProxyView narrowed = router.narrowedFor(push);

        assertEquals(Map.of("istio", "ingressgateway"), narrowed.labels());
        assertEquals(List.of("0.0.0.0_8080"), names(narrowed, push));
        assertEquals(Map.of(), router.narrowedFor(GatewayRoutesTest.services().build()).labels(), "no Gateway, no label kept");
    }

    private static List<String> names(ProxyView proxy, PushContext push) {
        return new GatewayListenerGenerator().generate(proxy, push, ResourceNames.all()).stream().map(XdsResource::name).toList();
    }
}
