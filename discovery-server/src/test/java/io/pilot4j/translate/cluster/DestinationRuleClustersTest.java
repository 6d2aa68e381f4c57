package io.pilot4j.translate.cluster;

import com.google.protobuf.TextFormat;
import com.google.protobuf.TypeRegistry;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.extensions.transport_sockets.proxy_protocol.v3.ProxyProtocolUpstreamTransport;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.pilot4j.model.PushContext;
import io.pilot4j.translate.Proxies;
import io.pilot4j.translate.PushFixture;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.endpoint.EndpointGenerator;
import io.pilot4j.translate.grpc.GrpcClusterGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * CDS and EDS with DestinationRules, Istio YAML in and Envoy protos out (text format): subset clusters, the traffic
 * policy for a port and subset, and subset endpoints.
 */
class DestinationRuleClustersTest {
    private static final TextFormat.Parser TEXT = TextFormat.Parser.newBuilder()
            .setTypeRegistry(TypeRegistry.newBuilder()
                    .add(HttpProtocolOptions.getDescriptor())
                    .add(UpstreamTlsContext.getDescriptor())
                    .add(ProxyProtocolUpstreamTransport.getDescriptor())
                    .add(RawBuffer.getDescriptor())
                    .build())
            .build();
    private static final String EDS = """
            type: EDS
            eds_cluster_config {
              eds_config { ads {} initial_fetch_timeout {} resource_api_version: V3 }
              service_name: "%s"
            }
            connect_timeout { seconds: 10 }
            """;
    private static final String UNLIMITED = """
            thresholds {
              max_connections { value: 4294967295 }
              max_pending_requests { value: 4294967295 }
              max_requests { value: 4294967295 }
              max_retries { value: 4294967295 }
            }
            """;

    private static String dr(String spec) {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: default}
                spec:
                  host: reviews
                """ + spec.indent(2);
    }

    private static PushContext push(String rule) {
        return new PushFixture().kube("reviews", "default").http(9080)
                .endpoint("10.0.0.1", 9080, "http-9080", Map.of("version", "v1"))
                .endpoint("10.0.0.2", 9080, "http-9080", Map.of("version", "v2", "track", "canary"))
                .endpoint("10.0.0.3", 9080, "http-9080", Map.of("app", "reviews"))
                .and().istio(rule).build();
    }

    static Stream<Arguments> cases() {
        String v1 = "outbound|9080|v1|reviews.default.svc.cluster.local";
        return Stream.of(
                arguments("a subset is an EDS cluster of its own", dr("""
                        subsets: [{name: v1, labels: {version: v1}}]
                        """), v1, "name: \"" + v1 + "\"\n" + EDS.formatted(v1) + """
                        lb_policy: LEAST_REQUEST
                        circuit_breakers {
                        """ + UNLIMITED + "}\n"),
                arguments("load balancer, connection pool and outlier detection, subset policy over the rule's", dr("""
                        trafficPolicy:
                          loadBalancer: {simple: LEAST_REQUEST}
                          connectionPool:
                            tcp: {maxConnections: 100, connectTimeout: 250ms}
                            http: {http1MaxPendingRequests: 10, http2MaxRequests: 1000, maxRetries: 3, idleTimeout: 30s}
                          outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50}
                        subsets:
                        - name: v1
                          labels: {version: v1}
                          trafficPolicy: {loadBalancer: {simple: RANDOM}}
                        """), v1, "name: \"" + v1 + "\"\n" + EDS.formatted(v1).replace("connect_timeout { seconds: 10 }",
                        "connect_timeout { nanos: 250000000 }") + """
                        lb_policy: RANDOM
                        circuit_breakers {
                          thresholds {
                            max_connections { value: 100 }
                            max_pending_requests { value: 10 }
                            max_requests { value: 1000 }
                            max_retries { value: 3 }
                                        }
                        }
                        typed_extension_protocol_options {
                          key: "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
                          value {
                            [type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions] {
                              common_http_protocol_options { idle_timeout { seconds: 30 } }
                              explicit_http_config { http_protocol_options {} }
                            }
                          }
                        }
                        outlier_detection {
                          consecutive_5xx { value: 5 }
                          interval { seconds: 10 }
                          base_ejection_time { seconds: 30 }
                          max_ejection_percent { value: 50 }
                          enforcing_consecutive_5xx { value: 100 }
                          enforcing_success_rate { value: 0 }
                        }
                        common_lb_config { healthy_panic_threshold {} }
                        """),
                arguments("consistent hash on the port: a ring hash", dr("""
                        trafficPolicy:
                          portLevelSettings:
                          - port: {number: 9080}
                            loadBalancer: {consistentHash: {httpCookie: {name: user, ttl: 0s}}}
                        subsets: [{name: v1, labels: {version: v1}}]
                        """), v1, "name: \"" + v1 + "\"\n" + EDS.formatted(v1) + """
                        lb_policy: RING_HASH
                        ring_hash_lb_config { minimum_ring_size { value: 1024 } }
                        circuit_breakers {
                        """ + UNLIMITED + "}\n"),
                arguments("TLS with files", dr("""
                        trafficPolicy:
                          tls: {mode: MUTUAL, clientCertificate: /certs/cert.pem, privateKey: /certs/key.pem, caCertificates: /certs/ca.pem, sni: reviews.example, subjectAltNames: [reviews.example]}
                        """), "outbound|9080||reviews.default.svc.cluster.local", "name: \"outbound|9080||reviews.default.svc.cluster.local\"\n"
                        + EDS.formatted("outbound|9080||reviews.default.svc.cluster.local") + """
                        lb_policy: LEAST_REQUEST
                        circuit_breakers {
                        """ + UNLIMITED + """
                        }
                        transport_socket {
                          name: "envoy.transport_sockets.tls"
                          typed_config {
                            [type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext] {
                              common_tls_context {
                                tls_certificates { certificate_chain { filename: "/certs/cert.pem" } private_key { filename: "/certs/key.pem" } }
                                validation_context {
                                  trusted_ca { filename: "/certs/ca.pem" }
                                  match_typed_subject_alt_names { san_type: DNS matcher { exact: "reviews.example" } }
                                }
                              }
                              sni: "reviews.example"
                            }
                          }
                        }
                        """),
                arguments("SIMPLE without roots verifies against the system's, and the request's host as SNI and name", dr("""
                        trafficPolicy: {tls: {mode: SIMPLE}}
                        """), DEFAULT, "name: \"" + DEFAULT + "\"\n" + EDS.formatted(DEFAULT) + """
                        lb_policy: LEAST_REQUEST
                        circuit_breakers {
                        """ + UNLIMITED + """
                        }
                        transport_socket {
                          name: "envoy.transport_sockets.tls"
                          typed_config {
                            [type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext] {
                              common_tls_context { validation_context { trusted_ca { filename: "/etc/ssl/certs/ca-certificates.crt" } } }
                            }
                          }
                        }
                        typed_extension_protocol_options {
                          key: "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
                          value {
                            [type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions] {
                              upstream_http_protocol_options { auto_sni: true auto_san_validation: true }
                              explicit_http_config { http_protocol_options {} }
                            }
                          }
                        }
                        """),
                arguments("insecureSkipVerify: no verification; a CRL, SAN types, and the PROXY protocol around TLS", dr("""
                        trafficPolicy:
                          tls: {mode: SIMPLE, insecureSkipVerify: true, sni: reviews.example}
                          proxyProtocol: {version: V2}
                        subsets:
                        - name: v1
                          labels: {version: v1}
                          trafficPolicy:
                            tls: {mode: SIMPLE, caCertificates: /certs/ca.pem, caCrl: /certs/crl.pem, sni: reviews.example,
                                  subjectAltNames: ["spiffe://cluster.local/ns/default/sa/reviews", 10.0.0.1]}
                        """), v1, "name: \"" + v1 + "\"\n" + EDS.formatted(v1) + """
                        lb_policy: LEAST_REQUEST
                        circuit_breakers {
                        """ + UNLIMITED + """
                        }
                        transport_socket {
                          name: "envoy.transport_sockets.upstream_proxy_protocol"
                          typed_config {
                            [type.googleapis.com/envoy.extensions.transport_sockets.proxy_protocol.v3.ProxyProtocolUpstreamTransport] {
                              config { version: V2 }
                              transport_socket {
                                name: "envoy.transport_sockets.tls"
                                typed_config {
                                  [type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext] {
                                    common_tls_context {
                                      validation_context {
                                        trusted_ca { filename: "/certs/ca.pem" }
                                        match_typed_subject_alt_names { san_type: URI matcher { exact: "spiffe://cluster.local/ns/default/sa/reviews" } }
                                        match_typed_subject_alt_names { san_type: IP_ADDRESS matcher { exact: "10.0.0.1" } }
                                        crl { filename: "/certs/crl.pem" }
                                      }
                                    }
                                    sni: "reviews.example"
                                  }
                                }
                              }
                            }
                          }
                        }
                        """),
                arguments("warmup, TCP keepalive and a retry budget", dr("""
                        trafficPolicy:
                          loadBalancer: {warmup: {duration: 30s, minimumPercent: 10, aggression: 2}}
                          connectionPool: {tcp: {tcpKeepalive: {probes: 3, time: 60s, interval: 1500ms}}}
                          retryBudget: {percent: 25, minRetryConcurrency: 5}
                          proxyProtocol: {}
                        """), DEFAULT, "name: \"" + DEFAULT + "\"\n" + EDS.formatted(DEFAULT) + """
                        lb_policy: LEAST_REQUEST
                        least_request_lb_config {
                          slow_start_config {
                            slow_start_window { seconds: 30 }
                            aggression { default_value: 2.0 runtime_key: "upstream.istio.slow_start_aggression" }
                            min_weight_percent { value: 10.0 }
                          }
                        }
                        circuit_breakers {
                          thresholds {
                            max_connections { value: 4294967295 }
                            max_pending_requests { value: 4294967295 }
                            max_requests { value: 4294967295 }
                            max_retries { value: 4294967295 }
                                          retry_budget { budget_percent { value: 25.0 } min_retry_concurrency { value: 5 } }
                          }
                        }
                        upstream_connection_options { tcp_keepalive { keepalive_probes { value: 3 } keepalive_time { value: 60 } keepalive_interval { value: 1 } } }
                        transport_socket {
                          name: "envoy.transport_sockets.upstream_proxy_protocol"
                          typed_config {
                            [type.googleapis.com/envoy.extensions.transport_sockets.proxy_protocol.v3.ProxyProtocolUpstreamTransport] {
                              config {}
                              transport_socket {
                                name: "envoy.transport_sockets.raw_buffer"
                                typed_config { [type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer] {} }
                              }
                            }
                          }
                        }
                        """),
                arguments("maglev with a table size, least request warming up", dr("""
                        trafficPolicy:
                          loadBalancer: {consistentHash: {httpHeaderName: x-user, maglev: {tableSize: 65537}}}
                        subsets:
                        - name: v1
                          labels: {version: v1}
                          trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST, warmupDurationSecs: 10s}}
                        """), DEFAULT, "name: \"" + DEFAULT + "\"\n" + EDS.formatted(DEFAULT) + """
                        lb_policy: MAGLEV
                        maglev_lb_config { table_size { value: 65537 } }
                        circuit_breakers {
                        """ + UNLIMITED + "}\n"),
                arguments("least request warming up", dr("""
                        trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST, warmupDurationSecs: 10s}}
                        """), DEFAULT, "name: \"" + DEFAULT + "\"\n" + EDS.formatted(DEFAULT) + """
                        lb_policy: LEAST_REQUEST
                        least_request_lb_config { slow_start_config { slow_start_window { seconds: 10 } } }
                        circuit_breakers {
                        """ + UNLIMITED + "}\n"));
    }

    private static final String DEFAULT = "outbound|9080||reviews.default.svc.cluster.local";

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sidecarClusters(String name, String rule, String clusterName, String expected) throws Exception {
        List<Cluster> out = new ClusterGenerator().generate(Proxies.sidecar("default"), push(rule), ResourceNames.of(clusterName))
                .stream().map(r -> (Cluster) r.resource()).toList();
        Cluster.Builder want = Cluster.newBuilder();
        TEXT.merge(expected, want);
        assertEquals(List.of(want.build()), out);
    }

    @Test
    void wildcardCdsListsEverySubsetOfEveryPort() {
        PushContext push = push(dr("subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]"));
        List<String> names = new ClusterGenerator().generate(Proxies.sidecar("default"), push, ResourceNames.all()).stream()
                .map(r -> r.name()).toList();
        assertEquals(List.of("outbound|9080||reviews.default.svc.cluster.local", "outbound|9080|v1|reviews.default.svc.cluster.local",
                "outbound|9080|v2|reviews.default.svc.cluster.local", CatchAllClusters.BLACKHOLE, CatchAllClusters.PASSTHROUGH,
                "inbound|9080||", CatchAllClusters.INBOUND_PASSTHROUGH), names, "the proxy (10.0.0.1) is a reviews endpoint: its inbound too");
    }

    @Test
    void subsetEndpointsAreThoseWithTheSubsetsLabels() {
        PushContext push = push(dr("""
                subsets:
                - {name: v2, labels: {version: v2}}
                - {name: canary, labels: {version: v2, track: canary}}
                - {name: none, labels: {version: v9}}
                """));
        EndpointGenerator eds = new EndpointGenerator();
        Map<String, List<String>> addresses = new java.util.TreeMap<>();
        for (String subset : List.of("", "v2", "canary", "none", "undefined")) {
            String name = "outbound|9080|" + subset + "|reviews.default.svc.cluster.local";
            ClusterLoadAssignment cla = (ClusterLoadAssignment) eds.generate(Proxies.sidecar("default"), push, ResourceNames.of(name))
                    .get(0).resource();
            addresses.put(subset, cla.getEndpointsList().stream().flatMap(l -> l.getLbEndpointsList().stream())
                    .map(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress()).toList());
        }
        assertEquals(Map.of("", List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), "v2", List.of("10.0.0.2"), "canary", List.of("10.0.0.2"),
                "none", List.of(), "undefined", List.of()), addresses);
    }

    /** grpc-java would speak plain text on a cluster without its certificate providers: such clusters are not sent. */
    @Test
    void proxylessGrpcGetsNoClusterWhoseRuleAsksForTls() {
        PushContext push = push(dr("""
                trafficPolicy: {tls: {mode: SIMPLE, caCertificates: /certs/ca.pem}}
                subsets:
                - {name: v1, labels: {version: v1}, trafficPolicy: {tls: {mode: DISABLE}}}
                - {name: v2, labels: {version: v2}}
                """));
        String v1 = "outbound|9080|v1|reviews.default.svc.cluster.local";
        List<String> sent = new GrpcClusterGenerator().generate(Proxies.grpc("default"), push,
                        ResourceNames.of(DEFAULT, v1, "outbound|9080|v2|reviews.default.svc.cluster.local"))
                .stream().map(r -> r.name()).toList();

        assertEquals(List.of(v1), sent, "only the subset whose policy turns TLS off");
        assertEquals(List.of("analysis DestinationRule default/reviews: spec.trafficPolicy.tls: TLS is not sent to proxyless gRPC clients "
                        + "(grpc-java takes it from certificate providers in its bootstrap); they get no cluster where it applies rather than "
                        + "one in plain text"),
                push.ruleAnalysis().stream().map(Object::toString).toList());
    }

    @Test
    void proxylessGrpcGetsSubsetClustersWithThePoliciesGrpcJavaHonours() throws Exception {
        PushContext push = push(dr("""
                trafficPolicy:
                  loadBalancer: {consistentHash: {httpHeaderName: x-user, minimumRingSize: 64}}
                  connectionPool: {http: {http2MaxRequests: 50}}
                subsets:
                - {name: v1, labels: {version: v1}}
                - {name: v2, labels: {version: v2}, trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}}
                """));
        String v1 = "outbound|9080|v1|reviews.default.svc.cluster.local";
        String v2 = "outbound|9080|v2|reviews.default.svc.cluster.local";
        List<Cluster> out = new GrpcClusterGenerator().generate(Proxies.grpc("default"), push, ResourceNames.of(v1, v2, 
                        "outbound|9080|v3|reviews.default.svc.cluster.local"))
                .stream().map(r -> (Cluster) r.resource()).toList();
        String eds = """
                type: EDS
                eds_cluster_config { eds_config { ads {} resource_api_version: V3 } service_name: "%s" }
                circuit_breakers { thresholds { max_requests { value: 50 } } }
                """;
        Cluster.Builder first = Cluster.newBuilder();
        TEXT.merge("name: \"" + v1 + "\"\n" + eds.formatted(v1)
                + "lb_policy: RING_HASH\nring_hash_lb_config { minimum_ring_size { value: 64 } }\n", first);
        Cluster.Builder second = Cluster.newBuilder();
        TEXT.merge("name: \"" + v2 + "\"\n" + eds.formatted(v2) + "lb_policy: LEAST_REQUEST\n", second);
        assertEquals(List.of(first.build(), second.build()), out, "v3 is defined by no rule, so it gets no cluster");
    }
}
