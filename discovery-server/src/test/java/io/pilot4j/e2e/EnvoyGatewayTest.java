package io.pilot4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.Closeables;
import io.pilot4j.testing.EnvoyBinary;
import io.pilot4j.testing.EnvoyProcess;
import io.pilot4j.testing.FreePorts;
import io.pilot4j.testing.HttpBackends;
import io.pilot4j.testing.RunningServer;
import io.pilot4j.testing.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real ingress gateway: an Envoy bootstrapped with {@code discovery bootstrap --type router} and the labels a
 * Gateway selects, routing by that Gateway and the VirtualServices bound to it. It starts without a Gateway (clusters,
 * no listeners); the Gateway's arrival gives it listeners; then host matching (a host the Gateway does not admit gets
 * 404), a path match to a subset with header operations, an 80/20 split, an httpsRedirect server, an HTTPS server
 * terminating TLS with a throwaway certificate file, which a Java HttpClient trusting that certificate calls, and a
 * PASSTHROUGH server handing TLS connections by SNI to a Java HTTPS backend untouched. After each step Envoy has
 * rejected nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnvoyGatewayTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String WEB = "web.example.com";

    @RegisterExtension
    final EnvoyProcess.LogOnFailure envoyLogs = new EnvoyProcess.LogOnFailure();

    private HttpBackends web;
    private RunningServer server;
    private EnvoyProcess envoy;
    private SelfSignedCertificate cert;
    private int httpPort;
    private int httpsPort;
    private int redirectPort;
    private int passthroughPort;
    private HttpsServer tlsBackend;
    private final AtomicInteger tlsBackendHits = new AtomicInteger();

    @BeforeAll
    void start(@TempDir Path configDir, @TempDir Path envoyDir, @TempDir Path certDir) throws Exception {
        EnvoyBinary.assumeAvailable();
        web = HttpBackends.start("v1-a", "v2-a");
        int[] ports = FreePorts.pick(4);
        httpPort = ports[0];
        httpsPort = ports[1];
        redirectPort = ports[2];
        passthroughPort = ports[3];
        cert = SelfSignedCertificate.create(certDir, "localhost");
        tlsBackend = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tlsBackend.setHttpsConfigurator(new HttpsConfigurator(cert.serverContext()));
        tlsBackend.createContext("/", exchange -> {
            tlsBackendHits.incrementAndGet();
            byte[] body = "tls-backend".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        tlsBackend.start();
        server = RunningServer.start(configDir);
        server.writeConfig("web.yaml", services());
        Await.until(WAIT, "web in /debug/registryz", () -> server.get("/debug/registryz").body().contains(WEB),
                () -> server.get("/debug/registryz").body());
        envoy = envoyLogs.watch(EnvoyProcess.bootstrap(envoyDir, "--type", "router", "--id", "istio-ingressgateway-1.istio-system",
                "--labels", "istio=ingressgateway,app=istio-ingressgateway", "--discoveryAddress", server.grpcTarget(),
                "--proxyLogLevel", "info"));
    }

    @AfterEach
    void envoyRejectedNothing() {
        envoy.assertNoRejectedUpdates();
    }

    @AfterAll
    void stop() {
        if (tlsBackend != null) {
            tlsBackend.stop(0);
        }
        Closeables.closeAll(envoy, server, web);
    }

    private String services() {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: web, namespace: default}
                spec:
                  hosts: [%1$s]
                  ports: [{number: 8000, name: http, protocol: HTTP}]
                  resolution: STATIC
                  endpoints:
                  - {address: 127.0.0.1, ports: {http: %2$d}, labels: {version: v1}}
                  - {address: 127.0.0.1, ports: {http: %3$d}, labels: {version: v2}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: web, namespace: default}
                spec:
                  host: %1$s
                  subsets:
                  - {name: v1, labels: {version: v1}}
                  - {name: v2, labels: {version: v2}}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: web, namespace: default}
                spec:
                  hosts: [%1$s]
                  gateways: [istio-system/ingress]
                  http:
                  - match: [{uri: {prefix: /v2/}}]
                    headers:
                      request: {set: {x-added: "yes"}, remove: [x-secret]}
                      response: {set: {x-gateway: ingress}}
                    route: [{destination: {host: %1$s, subset: v2}}]
                  - route:
                    - {destination: {host: %1$s, subset: v1}, weight: 80}
                    - {destination: {host: %1$s, subset: v2}, weight: 20}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: secure, namespace: default}
                spec:
                  hosts: ["*"]
                  gateways: [istio-system/secure]
                  http:
                  - headers: {response: {set: {x-tls: terminated}}}
                    route: [{destination: {host: %1$s, subset: v1}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: tls-backend, namespace: default}
                spec:
                  hosts: [tls-backend.example.com]
                  ports: [{number: 9443, name: tls, protocol: TLS}]
                  resolution: STATIC
                  endpoints: [{address: 127.0.0.1, ports: {tls: %4$d}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: passthrough, namespace: default}
                spec:
                  hosts: ["*"]
                  gateways: [istio-system/secure]
                  tls:
                  - match: [{sniHosts: [localhost]}]
                    route: [{destination: {host: tls-backend.example.com, port: {number: 9443}}}]
                """.formatted(WEB, web.port(0), web.port(1), tlsBackend.getAddress().getPort());
    }

    private String gateways() {
        return """
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: ingress, namespace: istio-system}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: %1$d, name: http, protocol: HTTP}
                    hosts: ["*/%2$s", "*/admitted-but-unrouted.example.com"]
                  - port: {number: %3$d, name: http-redirect, protocol: HTTP}
                    hosts: [%2$s]
                    tls: {httpsRedirect: true}
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: secure, namespace: istio-system}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: %4$d, name: https, protocol: HTTPS}
                    hosts: ["*"]
                    tls: {mode: SIMPLE, serverCertificate: %5$s, privateKey: %6$s}
                  - port: {number: %7$d, name: tls-passthrough, protocol: TLS}
                    hosts: ["*"]
                    tls: {mode: PASSTHROUGH}
                """.formatted(httpPort, WEB, redirectPort, httpsPort, cert.certificate(), cert.privateKey(), passthroughPort);
    }

    @Test
    @Order(1)
    void withoutAGatewayTheRouterHasClustersAndNoListeners() {
        Await.until(WAIT, "the v2 subset's endpoint in Envoy",
                () -> envoy.stat("cluster.outbound|8000|v2|web.example.com.membership_total") == 1);
        assertEquals(List.of(), listenerNames(envoy.configDump()));
    }

    @Test
    @Order(2)
    void aGatewaySelectingTheRouterGivesItListeners() throws Exception {
        server.writeConfig("gateways.yaml", gateways());
        List<String> expected = new ArrayList<>(List.of("0.0.0.0_" + httpPort, "0.0.0.0_" + redirectPort, "0.0.0.0_" + httpsPort,
                "0.0.0.0_" + passthroughPort));
        expected.sort(null);
        Await.until(WAIT, "the Gateway's listeners, active", () -> listenerNames(envoy.configDump()).equals(expected),
                () -> listenerNames(envoy.configDump()).toString());
        Await.until(WAIT, "the first request through the gateway", () -> {
            try {
                return HttpBackends.get("127.0.0.1", httpPort, WEB).status() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    @Test
    @Order(3)
    void hostsTheGatewayDoesNotRouteGet404() {
        assertEquals(404, HttpBackends.get("127.0.0.1", httpPort, "other.example.com").status());
        assertEquals(404, HttpBackends.get("127.0.0.1", httpPort, "admitted-but-unrouted.example.com").status(),
                "a host the server admits but no VirtualService routes has no virtual host");
        assertEquals(200, HttpBackends.get("127.0.0.1", httpPort, WEB + ":" + httpPort).status(), "the port in Host is ignored");
    }

    @Test
    @Order(4)
    void pathMatchRoutesToTheSubsetWithHeaderOperations() {
        HttpBackends.Reply reply = HttpBackends.get("127.0.0.1", httpPort, WEB, "/v2/items", Map.of("x-secret", "s3cr3t"));
        assertEquals(200, reply.status(), reply.toString());
        assertEquals("v2-a", reply.body(), reply.toString());
        assertEquals("/v2/items", reply.header("x-request-path"), reply.toString());
        String received = reply.header("x-request-headers");
        assertTrue(received.contains("x-added=yes") && !received.contains("x-secret"), "the backend received " + received);
        assertEquals("ingress", reply.header("x-gateway"), reply.toString());
    }

    @Test
    @Order(5)
    void weightedSplitSendsAFifthToV2() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            HttpBackends.Reply reply = HttpBackends.get("127.0.0.1", httpPort, WEB);
            assertEquals(200, reply.status(), reply.toString());
            counts.merge(reply.body(), 1, Integer::sum);
        }
        int v2 = counts.getOrDefault("v2-a", 0);
        assertTrue(v2 >= 65 && v2 <= 135, "v2 should get 20% +-7 points of 500 requests, got " + v2 + ": " + counts);
    }

    @Test
    @Order(6)
    void httpsRedirectServerRedirectsToHttps() {
        HttpBackends.Reply reply = HttpBackends.get("127.0.0.1", redirectPort, WEB, "/page", Map.of());
        assertEquals(301, reply.status(), reply.toString());
        assertEquals("https://" + WEB + "/page", reply.header("location"), reply.toString());
    }

    @Test
    @Order(7)
    void httpsServerTerminatesTlsWithTheCertificateFile() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(cert.clientContext()).connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response::toString);
        assertEquals("v1-a", response.body());
        assertEquals("terminated", response.headers().firstValue("x-tls").orElse(""));
        assertTrue(envoy.stat("listener.0.0.0.0_" + httpsPort + ".ssl.handshake") >= 1,
                () -> envoy.stats("listener\\.0\\.0\\.0\\.0_" + httpsPort + "\\.ssl\\..*").toString());
    }

    @Test
    @Order(8)
    void passthroughServerForwardsTlsBySniWithoutTerminatingIt() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(cert.clientContext()).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + passthroughPort + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response::toString);
        assertEquals("tls-backend", response.body(), "the backend's own TLS answered");
        assertEquals(1, tlsBackendHits.get());
        assertEquals(0, envoy.stat("listener.0.0.0.0_" + passthroughPort + ".ssl.handshake"), "Envoy did not terminate the TLS");
        assertTrue(envoy.stat("cluster.outbound|9443||tls-backend.example.com.upstream_cx_total") >= 1,
                () -> envoy.stats("tls-backend").toString());
    }

    private static List<String> listenerNames(JsonNode dump) {
        List<String> names = new ArrayList<>();
        EnvoyProcess.section(dump, "ListenersConfigDump").path("dynamic_listeners").forEach(l -> {
            if (l.has("active_state")) {
                names.add(l.path("name").asText());
            }
        });
        names.sort(null);
        return names;
    }
}
