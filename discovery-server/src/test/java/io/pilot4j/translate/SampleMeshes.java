package io.pilot4j.translate;

import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.Resolution;
import io.pilot4j.testing.Bookinfo;
import org.junit.jupiter.params.provider.Arguments;

import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Whole-mesh snapshots exercising every rule at once, with the proxies that read them: the table the
 * consistency and Envoy validation tests run over. Arguments are (description, proxy, push).
 */
public final class SampleMeshes {
    private SampleMeshes() {
    }

    /** Bookinfo plus the awkward cases: TCP with and without VIP, DNS, passthrough, port and domain conflicts, IPv6. */
    public static PushFixture bookinfo() {
        Locality west = new Locality("us-west", "a", "");
        Locality east = new Locality("us-east", "b", "r1");
        return new PushFixture()
                .kube("productpage", "default").http(9080).vip("10.96.0.10")
                .endpoint("10.1.0.1", 9080, "http-9080", west, 1, HealthStatus.HEALTHY).and()
                .kube("reviews", "default").http(9080).grpc(9090).vip("10.96.0.11")
                .endpoint("10.1.0.2", 9080, "http-9080", west, 2, HealthStatus.HEALTHY)
                .endpoint("10.1.0.3", 9080, "http-9080", east, 1, HealthStatus.HEALTHY)
                .endpoint("10.1.0.4", 9080, "http-9080", east, 1, HealthStatus.UNHEALTHY)
                .endpoint("10.1.0.2", 9090, "grpc-9090", west, 1, HealthStatus.HEALTHY).and()
                .kube("reviews", "shop").http(9080).vip("10.96.0.12")
                .endpoint("10.2.0.1", 9080, "http-9080").and()
                .kube("ratings", "default").port("http2-api", 9080, Protocol.HTTP2).vip("10.96.0.11")   // shares reviews' VIP
                .endpoint("10.1.0.5", 9080, "http2-api").and()
                .kube("mysql", "db").tcp(3306).vip("10.96.0.20")
                .endpoint("10.3.0.1", 3306, "tcp-3306").and()
                .kube("cassandra", "db").tcp(9042).resolution(Resolution.PASSTHROUGH)
                .endpoint("10.3.0.2", 9042, "tcp-9042").and()
                .kube("raw", "default").port("", 5000, Protocol.UNSUPPORTED).vip("10.96.0.30")
                .endpoint("10.1.0.6", 5000, "").and()
                .kube("dns", "kube-system").port("dns", 53, Protocol.UDP).port("dns-tcp", 53, Protocol.TCP).vip("10.96.0.53")
                .endpoint("10.4.0.1", 53, "dns-tcp").and()
                .kube("internal", "team").http(8080).exportTo(".")
                .endpoint("10.5.0.1", 8080, "http-8080").and()
                .host("api.example.com", "default").port("https", 443, Protocol.TLS).http(80).resolution(Resolution.DNS_LB)
                .endpoint("api.example.com", 443, "https").endpoint("api.example.com", 80, "http-80").and()
                .host("legacy.example.com", "default").tcp(3306).tcp(8080).resolution(Resolution.DNS_ROUND_ROBIN_LB)
                .endpoint("legacy-1.example.com", 3306, "tcp-3306").endpoint("legacy-2.example.com", 3306, "tcp-3306").and()
                .host("gone.example.com", "default").http(8081).resolution(Resolution.DNS_LB).and()       // no endpoints
                .host("v6.example.com", "default").http(8082).vip("fd00::10")
                .endpoint("fd00::1:1", 8082, "http-8082").and()
                .host("*.wild.example.com", "default").http(80).resolution(Resolution.PASSTHROUGH).and()
                .host("foo", "default").http(80).and()                                                       // shadows foo's short name
                .kube("foo", "default").http(80).endpoint("10.1.0.7", 80, "http-80").and()
                .kube("admin-clash", "default").http(15001).tcp(15006).and();
    }

    /**
     * Bookinfo with traffic rules using every translated feature: subsets with labelled endpoints, a VirtualService
     * with matches, weights, fault, retries, rewrite, headers, mirror, CORS and a redirect, DestinationRules with each
     * traffic policy field.
     */
    /**
     * TLS services routed by SNI: one with a VIP and tls routes (subsets, a split, subnets), two external ones without
     * VIP sharing 0.0.0.0_443, and a TCP service whose tcp routes match destination subnets, with TCP timeouts and a
     * source IP hash.
     */
    public static PushFixture withTlsRoutes() {
        return bookinfo()
                .kube("secure", "default").port("https", 443, Protocol.HTTPS).vip("10.96.0.30")
                .endpoint("10.2.0.7", 8443, "https", Map.of("cell", "a"))
                .endpoint("10.2.0.8", 8443, "https", Map.of("cell", "b")).and()
                .host("api.example.com", "default").port("tls", 443, Protocol.TLS).resolution(Resolution.DNS_LB).and()
                .host("pay.example.com", "default").port("https", 443, Protocol.HTTPS).resolution(Resolution.DNS_LB).and()
                .kube("db", "default").tcp(5432).vip("10.96.0.31").endpoint("10.2.0.9", 5432, "tcp-5432").and()
                .istio("""
                        apiVersion: networking.istio.io/v1
                        kind: DestinationRule
                        metadata: {name: secure, namespace: default}
                        spec:
                          host: secure
                          subsets: [{name: a, labels: {cell: a}}, {name: b, labels: {cell: b}}]
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: VirtualService
                        metadata: {name: secure, namespace: default}
                        spec:
                          hosts: [secure, a.example.com, "*.b.example.com"]
                          tls:
                          - match: [{sniHosts: [a.example.com]}, {sniHosts: [a.example.com], destinationSubnets: [10.96.0.0/16]}]
                            route: [{destination: {host: secure, subset: a}}]
                          - match: [{sniHosts: ["*.b.example.com"]}]
                            route:
                            - {destination: {host: secure, subset: a}, weight: 25}
                            - {destination: {host: secure, subset: b}, weight: 75}
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: VirtualService
                        metadata: {name: pay, namespace: default}
                        spec:
                          hosts: [pay.example.com, checkout.example.com]
                          tls:
                          - match: [{sniHosts: [pay.example.com, checkout.example.com]}]
                            route: [{destination: {host: pay.example.com}}]
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: VirtualService
                        metadata: {name: db, namespace: default}
                        spec:
                          hosts: [db]
                          tcp:
                          - match: [{destinationSubnets: [10.8.0.0/16, 10.9.0.1]}]
                            route: [{destination: {host: db}}]
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: DestinationRule
                        metadata: {name: db, namespace: default}
                        spec:
                          host: db
                          trafficPolicy:
                            connectionPool: {tcp: {idleTimeout: 30m, maxConnectionDuration: 2h}}
                            loadBalancer: {consistentHash: {useSourceIp: true}}
                        """);
    }

    public static PushFixture withTrafficRules() {
        return bookinfo()
                .kube("ratings", "shop").http(9080).grpc(9090)
                .endpoint("10.2.0.5", 9080, "http-9080", Map.of("version", "v1"))
                .endpoint("10.2.0.6", 9080, "http-9080", Map.of("version", "v2"))
                .endpoint("10.2.0.5", 9090, "grpc-9090", Map.of("version", "v1")).and()
                .istio("""
                        apiVersion: networking.istio.io/v1
                        kind: DestinationRule
                        metadata: {name: ratings, namespace: shop}
                        spec:
                          host: ratings
                          trafficPolicy:
                            loadBalancer: {simple: LEAST_REQUEST}
                            connectionPool:
                              tcp: {maxConnections: 100, connectTimeout: 250ms, idleTimeout: 1h}
                              http: {http1MaxPendingRequests: 10, http2MaxRequests: 100, maxRequestsPerConnection: 5, maxRetries: 2, maxConcurrentStreams: 50}
                            outlierDetection: {consecutive5xxErrors: 5, consecutiveGatewayErrors: 3, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50, minHealthPercent: 10}
                            tls: {mode: SIMPLE, sni: ratings.example}
                            portLevelSettings:
                            - port: {number: 9090}
                              loadBalancer: {consistentHash: {httpHeaderName: x-user, minimumRingSize: 128}}
                              tls: {mode: DISABLE}
                          subsets:
                          - {name: v1, labels: {version: v1}}
                          - name: v2
                            labels: {version: v2}
                            trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {name: user, ttl: 60s, attributes: [{name: SameSite, value: Lax}]}}}}
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: DestinationRule
                        metadata: {name: productpage, namespace: default}
                        spec:
                          host: productpage
                          trafficPolicy:
                            loadBalancer: {warmup: {duration: 30s, minimumPercent: 10, aggression: 2}}
                            connectionPool: {tcp: {tcpKeepalive: {probes: 3, time: 60s, interval: 10s}}}
                            retryBudget: {percent: 25, minRetryConcurrency: 5}
                            proxyProtocol: {version: V2}
                            tls: {mode: SIMPLE, insecureSkipVerify: true}
                          subsets:
                          - name: v1
                            labels: {version: v1}
                            trafficPolicy:
                              loadBalancer: {consistentHash: {httpHeaderName: x-user, maglev: {tableSize: 65537}}}
                              tls: {mode: SIMPLE, subjectAltNames: [details.example, "spiffe://cluster.local/ns/default/sa/details"]}
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: VirtualService
                        metadata: {name: ratings, namespace: shop}
                        spec:
                          hosts: [ratings.shop.svc.cluster.local]
                          http:
                          - name: jason
                            match:
                            - {headers: {end-user: {exact: jason}}, uri: {prefix: /ratings}, method: {regex: "GET|HEAD"}}
                            - {queryParams: {debug: {exact: "1"}}, ignoreUriCase: true, uri: {exact: /Debug}}
                            route: [{destination: {host: ratings, subset: v2}, headers: {response: {set: {x-subset: v2}}}}]
                            timeout: 2s
                            retries: {attempts: 3, perTryTimeout: 500ms, retryOn: "gateway-error,connect-failure,503", retryRemoteLocalities: true}
                            fault:
                              delay: {fixedDelay: 100ms, percentage: {value: 1}}
                              abort: {httpStatus: 503, percentage: {value: 0.5}}
                          - match: [{uri: {exact: /old}}]
                            redirect: {uri: /new, authority: ratings.shop, redirectCode: 302}
                          - match: [{uri: {exact: /health}}]
                            directResponse: {status: 200, body: {string: ok}}
                          - match: [{uri: {regex: "/v[0-9]+/.*"}}]
                            rewrite: {uriRegexRewrite: {match: "^/v[0-9]+/", rewrite: "/"}}
                            route: [{destination: {host: ratings, subset: v1}}]
                          - route:
                            - {destination: {host: ratings, subset: v1, port: {number: 9080}}, weight: 90}
                            - {destination: {host: ratings, subset: v2, port: {number: 9080}}, weight: 10}
                            rewrite: {uri: /, authority: ratings.internal}
                            headers: {request: {set: {x-b: b}, add: {x-a: a}, remove: [x-c]}}
                            mirror: {host: reviews.default.svc.cluster.local, port: {number: 9080}}
                            mirrorPercentage: {value: 5}
                            corsPolicy:
                              allowOrigins: [{exact: "https://a.example"}, {regex: "https://.*\\\\.b\\\\.example"}]
                              allowMethods: [GET]
                              allowHeaders: [x-user]
                              exposeHeaders: [x-trace]
                              maxAge: 24h
                              allowCredentials: true
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: DestinationRule
                        metadata: {name: mysql, namespace: db}
                        spec:
                          host: mysql
                          subsets: [{name: primary, labels: {role: primary}}, {name: replica, labels: {role: replica}}]
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: VirtualService
                        metadata: {name: mysql, namespace: db}
                        spec:
                          hosts: [mysql]
                          tcp:
                          - match: [{port: 3306}]
                            route:
                            - {destination: {host: mysql, subset: primary}, weight: 70}
                            - {destination: {host: mysql, subset: replica}, weight: 30}
                        """);
    }

    /** The labels of the router the gateway samples select. */
    public static final Map<String, String> INGRESS_LABELS = Map.of("istio", "ingressgateway", "app", "istio-ingressgateway");

    /**
     * Traffic rules plus Gateways for an ingress router (istio=ingressgateway): HTTP servers of two Gateways on one
     * port, an httpsRedirect server, HTTPS servers (SIMPLE and MUTUAL) terminating TLS with {@code cert}'s files, a TLS
     * termination server and a TCP server proxying by tcp routes, a PASSTHROUGH server routing by SNI, and servers that
     * are skipped (credentialName,
     * ISTIO_MUTUAL, a protocol conflict).
     */
    public static PushFixture withGateways(io.pilot4j.testing.SelfSignedCertificate cert) {
        String files = "serverCertificate: " + cert.certificate() + ", privateKey: " + cert.privateKey();
        return withTrafficRules().istio("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: bookinfo-gateway, namespace: istio-system}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 8080, name: http, protocol: HTTP}
                    hosts: ["*"]
                  - port: {number: 8081, name: http-redirect, protocol: HTTP}
                    hosts: [bookinfo.example.com]
                    tls: {httpsRedirect: true}
                  - port: {number: 8443, name: https, protocol: HTTPS}
                    name: bookinfo-https
                    hosts: [bookinfo.example.com]
                    tls: {mode: SIMPLE, %1$s}
                  - port: {number: 8443, name: https-admin, protocol: HTTPS}
                    hosts: [shop/admin.example.com]
                    tls: {mode: MUTUAL, %1$s, caCertificates: %2$s, minProtocolVersion: TLSV1_2}
                  - port: {number: 8443, name: https-sds, protocol: HTTPS}
                    hosts: [sds.example.com]
                    tls: {mode: SIMPLE, credentialName: sds-cert}
                  - port: {number: 9443, name: tls-db, protocol: TLS}
                    hosts: [db.example.com]
                    tls: {mode: SIMPLE, %1$s}
                  - port: {number: 9000, name: tcp, protocol: TCP}
                    hosts: [db.example.com]
                  - port: {number: 9443, name: tls-pass, protocol: TLS}
                    hosts: ["*.pass.example.com"]
                    tls: {mode: PASSTHROUGH}
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: shop-gateway, namespace: shop}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 8080, name: http, protocol: HTTP}
                    hosts: ["./*"]
                  - port: {number: 9000, name: tcp-clash, protocol: TCP}
                    hosts: ["*"]
                  - port: {number: 8443, name: https-mtls, protocol: HTTPS}
                    hosts: [mesh.example.com]
                    tls: {mode: ISTIO_MUTUAL}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: bookinfo, namespace: default}
                spec:
                  hosts: [bookinfo.example.com, "*.bookinfo.example.com"]
                  gateways: [istio-system/bookinfo-gateway]
                  http:
                  - match: [{uri: {prefix: /reviews}}]
                    route:
                    - {destination: {host: reviews, port: {number: 9080}}, weight: 80}
                    - {destination: {host: ratings.shop.svc.cluster.local, subset: v1, port: {number: 9080}}, weight: 20}
                    headers: {response: {set: {x-gateway: bookinfo}}}
                  - route: [{destination: {host: productpage}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: shop, namespace: shop}
                spec:
                  hosts: [admin.example.com, ratings.shop.example.com]
                  gateways: [istio-system/bookinfo-gateway, shop-gateway]
                  http:
                  - match: [{uri: {prefix: /admin}, gateways: [istio-system/bookinfo-gateway]}]
                    route: [{destination: {host: ratings, subset: v2, port: {number: 9080}}}]
                  - route: [{destination: {host: ratings, port: {number: 9080}}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: db, namespace: db}
                spec:
                  hosts: [db.example.com]
                  gateways: [istio-system/bookinfo-gateway]
                  tcp:
                  - route:
                    - {destination: {host: mysql, subset: primary}, weight: 70}
                    - {destination: {host: mysql, subset: replica}, weight: 30}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: pass, namespace: default}
                spec:
                  hosts: ["*.pass.example.com"]
                  gateways: [istio-system/bookinfo-gateway]
                  tls:
                  - match: [{sniHosts: [api.pass.example.com]}]
                    route: [{destination: {host: api.example.com, port: {number: 443}}}]
                """.formatted(files, cert.certificate()));
    }

    /** A throwaway certificate for the gateway samples, made once per test JVM (Envoy's validation reads the files). */
    public static synchronized io.pilot4j.testing.SelfSignedCertificate gatewayCertificate() {
        if (gatewayCertificate == null) {
            try {
                java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pilot4j-gateway-certs");
                dir.toFile().deleteOnExit();
                gatewayCertificate = io.pilot4j.testing.SelfSignedCertificate.create(dir, "bookinfo.example.com");
                gatewayCertificate.certificate().toFile().deleteOnExit();
                gatewayCertificate.privateKey().toFile().deleteOnExit();
            } catch (Exception e) {
                throw new IllegalStateException("cannot make a test certificate", e);
            }
        }
        return gatewayCertificate;
    }

    private static io.pilot4j.testing.SelfSignedCertificate gatewayCertificate;

    /** What a local Envoy (INTERCEPTION_MODE=NONE) is served by the Envoy end-to-end test: loopback VIPs sharing a port. */
    public static PushFixture loopback() {
        return new PushFixture()
                .host("web.example.com", "default").http(18080)
                .endpoint("127.0.0.1", 18081, "http-18080").endpoint("127.0.0.1", 18082, "http-18080").and()
                .kube("db-a", "default").tcp(13306).vip("127.0.0.2").endpoint("127.0.0.1", 13307, "tcp-13306").and()
                .kube("db-b", "default").tcp(13306).vip("127.0.0.3").endpoint("127.0.0.1", 13308, "tcp-13306").and()
                .kube("db-c", "default").tcp(13306).vip("10.96.0.40").endpoint("127.0.0.1", 13309, "tcp-13306").and()
                .kube("db-v6", "default").tcp(13306).vip("::1").endpoint("::1", 13310, "tcp-13306").and();
    }

    /**
     * Bookinfo with locality load balancing from every source: explicit failover, distribute, failoverPriority, the
     * default failover of a DNS cluster (priorities inline), for a proxy in us-west/a.
     */
    public static PushFixture withLocalityLoadBalancing() {
        return bookinfo().istio("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: default}
                spec:
                  host: reviews
                  trafficPolicy:
                    outlierDetection: {consecutive5xxErrors: 3}
                    loadBalancer: {localityLbSetting: {failover: [{from: us-west, to: us-east}]}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: productpage, namespace: default}
                spec:
                  host: productpage
                  trafficPolicy:
                    loadBalancer: {simple: LEAST_REQUEST, localityLbSetting: {distribute: [{from: us-west/*, to: {us-west/*: 70, us-east/*: 30}}]}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: api, namespace: default}
                spec:
                  host: api.example.com
                  trafficPolicy: {outlierDetection: {consecutive5xxErrors: 3}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: legacy, namespace: default}
                spec:
                  host: legacy.example.com
                  trafficPolicy:
                    outlierDetection: {consecutive5xxErrors: 3}
                    loadBalancer: {localityLbSetting: {failoverPriority: [topology.kubernetes.io/zone]}}
                """);
    }

    /** Istio's defaults with a mesh-wide distribute, which applies to every cluster. */
    public static io.pilot4j.mesh.MeshConfig meshWideDistribute() {
        try {
            return io.pilot4j.mesh.MeshConfigParser.parse("""
                    localityLbSetting:
                      distribute: [{from: "us-west/*", to: {"us-west/*": 90, "us-east/*": 10}}]
                    """, "sample mesh").config();
        } catch (io.pilot4j.mesh.MeshConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Locality WEST_A = new Locality("us-west", "a", "");

    public static Stream<Arguments> envoyCases() {
        return Stream.of(
                arguments("sidecar, ALLOW_ANY", Proxies.sidecar("default"), bookinfo().build()),
                arguments("sidecar in another namespace", Proxies.sidecar("shop"), bookinfo().build()),
                arguments("sidecar, REGISTRY_ONLY", Proxies.sidecar("default"), bookinfo().mesh(PushFixture.registryOnly()).build()),
                arguments("sidecar, INTERCEPTION_MODE=NONE",
                        Proxies.sidecar("default", Map.of("INTERCEPTION_MODE", "NONE")), bookinfo().build()),
                arguments("sidecar, INTERCEPTION_MODE=NONE, loopback VIPs",
                        Proxies.sidecar("default", Map.of("INTERCEPTION_MODE", "NONE")), loopback().build()),
                arguments("sidecar, INTERCEPTION_MODE=NONE, REGISTRY_ONLY, unprivileged",
                        Proxies.sidecar("default", Map.of("INTERCEPTION_MODE", "NONE", "UNPRIVILEGED_POD", "true")),
                        bookinfo().mesh(PushFixture.registryOnly()).build()),
                arguments("sidecar, INTERCEPTION_MODE=TPROXY",
                        Proxies.sidecar("default", Map.of("INTERCEPTION_MODE", "TPROXY")), bookinfo().build()),
                arguments("sidecar of a reviews pod (inbound HTTP and gRPC)", Proxies.sidecarAt("10.1.0.2", "default", Map.of()), bookinfo().build()),
                arguments("sidecar of a pod with an undeclared protocol (inbound sniffing), TPROXY",
                        Proxies.sidecarAt("10.1.0.6", "default", Map.of("INTERCEPTION_MODE", "TPROXY")), bookinfo().build()),
                arguments("sidecar of a database pod (inbound TCP)", Proxies.sidecarAt("10.3.0.1", "db", Map.of()), bookinfo().build()),
                arguments("sidecar of a DNS pod (inbound TCP, no UDP)", Proxies.sidecarAt("10.4.0.1", "kube-system", Map.of()), bookinfo().build()),
                arguments("sidecar of a Mongo pod (mongo_proxy inbound and outbound)", Proxies.sidecarAt("10.6.0.1", "db", Map.of()),
                        bookinfo().kube("mongo", "db").port("mongo", 27017, Protocol.MONGO).vip("10.96.0.60")
                                .endpoint("10.6.0.1", 27017, "mongo").and().build()),
                arguments("sidecar with status and Prometheus ports",
                        Proxies.sidecar("default", Map.of("ENVOY_STATUS_PORT", "15021", "ENVOY_PROMETHEUS_PORT", "15090")),
                        bookinfo().build()),
                arguments("IPv6-only sidecar (V6_ONLY DNS clusters)",
                        ProxyView.of(Proxy.fromNode("sidecar~fd00::1~app-1.default~default.svc.cluster.local", Map.of(), Map.of())),
                        bookinfo().build()),
                arguments("router", Proxies.router("istio-system"), bookinfo().build()),
                arguments("router with Gateways (HTTP, HTTPS with certificate files, TLS termination and passthrough, TCP)",
                        Proxies.router("istio-system", Map.of(), INGRESS_LABELS), withGateways(gatewayCertificate()).build()),
                arguments("router with Gateways behind a Service mapping 8080 to 18080 and 8443 to 18443 (port translation)",
                        Proxies.router("istio-system", Map.of(), INGRESS_LABELS), withGateways(gatewayCertificate())
                                .kube("istio-ingressgateway", "istio-system").http(8080).port("https", 8443, Protocol.HTTPS)
                                .endpoint("10.0.0.2", 18080, "http-8080").endpoint("10.0.0.2", 18443, "https").and().build()),
                arguments("IPv6-only unprivileged router with Gateways",
                        ProxyView.of(Proxy.fromNode("router~fd00::2~gateway-1.istio-system~istio-system.svc.cluster.local",
                                Map.of("UNPRIVILEGED_POD", "true"), INGRESS_LABELS)), withGateways(gatewayCertificate()).build()),
                arguments("sidecar with traffic rules", Proxies.sidecar("shop"), withTrafficRules().build()),
                arguments("sidecar of a reviews pod with traffic rules (inbound connection pools)", Proxies.sidecarAt("10.1.0.2", "default", Map.of()),
                        withTrafficRules().build()),
                arguments("sidecar with tls routes and subnet matches", Proxies.sidecar("default"), withTlsRoutes().build()),
                arguments("sidecar with the Bookinfo example's rules", Proxies.sidecar("default"),
                        bookinfo().kube("ratings", "default").http(9080).and().istio(Bookinfo.networking()).build()),
                arguments("sidecar with tls routes, INTERCEPTION_MODE=NONE",
                        Proxies.sidecar("default", Map.of("INTERCEPTION_MODE", "NONE")), withTlsRoutes().build()),
                arguments("sidecar with traffic rules, from another namespace", Proxies.sidecar("default"), withTrafficRules().build()),
                arguments("sidecar with locality load balancing", Proxies.sidecar("default", Map.of(), WEST_A),
                        withLocalityLoadBalancing().build()),
                arguments("sidecar with the mesh's distribute", Proxies.sidecar("default", Map.of(), WEST_A),
                        bookinfo().mesh(meshWideDistribute()).build()),
                arguments("router with locality load balancing", ProxyView.of(Proxy.fromNode(
                                "router~10.0.0.2~gateway-1.istio-system~istio-system.svc.cluster.local", Map.of(), Map.of(), WEST_A)),
                        withLocalityLoadBalancing().mesh(meshWideDistribute()).build()));
    }

    public static Stream<Arguments> grpcCases() {
        return Stream.of(arguments("proxyless gRPC", Proxies.grpc("default"), bookinfo().build()),
                arguments("proxyless gRPC with tls routes", Proxies.grpc("default"), withTlsRoutes().build()),
                arguments("proxyless gRPC with the Bookinfo example's rules", Proxies.grpc("default"),
                        bookinfo().kube("ratings", "default").http(9080).and().istio(Bookinfo.networking()).build()),
                arguments("proxyless gRPC with traffic rules", Proxies.grpc("shop"), withTrafficRules().build()),
                arguments("proxyless gRPC with locality load balancing", Proxies.grpc("default"), withLocalityLoadBalancing().build()));
    }
}
