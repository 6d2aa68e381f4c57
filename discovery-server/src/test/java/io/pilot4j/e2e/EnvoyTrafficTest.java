package io.pilot4j.e2e;

import io.pilot4j.testing.Await;
import io.pilot4j.testing.Closeables;
import io.pilot4j.testing.EnvoyBinary;
import io.pilot4j.testing.EnvoyProcess;
import io.pilot4j.testing.FreePorts;
import io.pilot4j.testing.HttpBackends;
import io.pilot4j.testing.RunningServer;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Envoy sidecar routing HTTP by a VirtualService and a DestinationRule from --configDir: subsets v1 and v2,
 * an 80/20 weighted split, a header match to v2, fault abort and delay, a prefix match with a rewrite and header
 * operations, a redirect, retries over a failing backend, a route timeout and a mirror. After each step Envoy has rejected nothing.
 * {@link EnvoyGatewayTrafficTest} runs the same through a router Envoy and a Gateway.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnvoyTrafficTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String WEB = "web.example.com";

    @RegisterExtension
    final EnvoyProcess.LogOnFailure envoyLogs = new EnvoyProcess.LogOnFailure();

    private HttpBackends web;
    private HttpBackends shadow;
    private HttpBackends flaky;
    private HttpBackends slow;
    private RunningServer server;
    private EnvoyProcess envoy;
    /** The service's port. */
    private int port;
    /** Where requests go: the sidecar's listener on the service port, or the gateway's port. */
    private int entry;

    /** Whether requests go through a router Envoy and a Gateway the VirtualService is bound to, not a sidecar. */
    boolean viaGateway() {
        return false;
    }

    @BeforeAll
    void start(@TempDir Path configDir, @TempDir Path meshDir, @TempDir Path envoyDir) throws Exception {
        EnvoyBinary.assumeAvailable();
        web = HttpBackends.start("v1-a", "v1-b", "v2-a");
        shadow = HttpBackends.start("shadow");
        flaky = HttpBackends.flaky("flaky");
        slow = HttpBackends.slow(Duration.ofSeconds(3), "slow");
        int[] ports = FreePorts.pick(2);
        port = ports[0];
        entry = viaGateway() ? ports[1] : port;
        Path mesh = meshDir.resolve("mesh.json");
        Files.writeString(mesh, "{\"defaultConfig\": {\"concurrency\": 1}}");
        server = RunningServer.start(configDir, mesh, true);
        server.writeConfig("web.yaml", rules());
        Await.until(WAIT, "web in /debug/registryz", () -> server.get("/debug/registryz").body().contains(WEB),
                () -> server.get("/debug/registryz").body());
        // Delta ADS, discovery bootstrap's default (EnvoySidecarTest covers state of the world).
        envoy = envoyLogs.watch(viaGateway()
                ? EnvoyProcess.bootstrap(envoyDir, "--type", "router", "--id", "istio-ingressgateway-1.istio-system",
                "--labels", "istio=ingressgateway", "--meshConfig", mesh.toString(), "--discoveryAddress", server.grpcTarget(),
                "--proxyLogLevel", "info")
                : EnvoyProcess.bootstrap(envoyDir, "--id", "sleep-1.default", "--labels", "app=sleep",
                "--meshConfig", mesh.toString(), "--discoveryAddress", server.grpcTarget(), "--proxyLogLevel", "info"));
    }

    @AfterEach
    void envoyRejectedNothing() {
        envoy.assertNoRejectedUpdates();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(envoy, server, web, shadow, flaky, slow);
    }

    private String rules() {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: web, namespace: default}
                spec:
                  hosts: [%s]
                  ports: [{number: %d, name: http, protocol: HTTP}]
                  resolution: STATIC
                  endpoints:
                  - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v1}}
                  - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v1}}
                  - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v2}}
                  - {address: 127.0.0.1, ports: {http: %d}, labels: {version: flaky}}
                  - {address: 127.0.0.1, ports: {http: %d}, labels: {version: slow}}
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: shadow, namespace: default}
                spec:
                  hosts: [shadow.example.com]
                  ports: [{number: %d, name: http, protocol: HTTP}]
                  resolution: STATIC
                  endpoints:
                  - {address: 127.0.0.1, ports: {http: %d}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: web, namespace: default}
                spec:
                  host: %s
                  subsets:
                  - {name: v1, labels: {version: v1}}
                  - {name: v2, labels: {version: v2}}
                  - {name: flaky, labels: {version: flaky}}
                  - {name: slow, labels: {version: slow}}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: web, namespace: default}
                spec:
                  hosts: [%s]%s
                  http:
                  - match: [{headers: {end-user: {exact: jason}}}]
                    route: [{destination: {host: %s, subset: v2}}]
                  - match: [{headers: {x-fault: {exact: abort}}}]
                    fault: {abort: {httpStatus: 418, percentage: {value: 100}}}
                    route: [{destination: {host: %s, subset: v1}}]
                  - match: [{headers: {x-fault: {exact: delay}}}]
                    fault: {delay: {fixedDelay: 500ms, percentage: {value: 100}}}
                    route: [{destination: {host: %s, subset: v1}}]
                  - match: [{uri: {prefix: /api/}}]
                    rewrite: {uri: /v2/}
                    headers:
                      request: {set: {x-added: "yes"}, remove: [x-secret]}
                      response: {add: {x-route: api}}
                    route: [{destination: {host: %s, subset: v1}}]
                  - match: [{uri: {exact: /old}}]
                    redirect: {uri: /new, redirectCode: 302}
                  - match: [{uri: {prefix: /flaky}}]
                    retries: {attempts: 3, retryOn: "5xx"}
                    route: [{destination: {host: %s, subset: flaky}}]
                  - match: [{uri: {prefix: /slow}}]
                    timeout: 300ms
                    route: [{destination: {host: %s, subset: slow}}]
                  - match: [{uri: {prefix: /mirrored}}]
                    mirror: {host: shadow.example.com}
                    route: [{destination: {host: %s, subset: v1}}]
                  - route:
                    - {destination: {host: %s, subset: v1}, weight: 80}
                    - {destination: {host: %s, subset: v2}, weight: 20}
                """.formatted(WEB, port, web.port(0), web.port(1), web.port(2), flaky.port(0), slow.port(0), port, shadow.port(0),
                WEB, WEB, viaGateway() ? "\n  gateways: [istio-system/web]" : "", WEB, WEB, WEB, WEB, WEB, WEB, WEB, WEB, WEB)
                + (viaGateway() ? """
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: web, namespace: istio-system}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: %d, name: http, protocol: HTTP}
                    hosts: [%s]
                """.formatted(entry, WEB) : "");
    }

    @Test
    @Order(1)
    void headerMatchRoutesJasonToV2() {
        Await.until(WAIT, "jason's requests to reach v2", () -> {
            try {
                return HttpBackends.get("127.0.0.1", entry, WEB, Map.of("end-user", "jason")).body().equals("v2-a");
            } catch (RuntimeException e) {
                return false;
            }
        });
        for (int i = 0; i < 20; i++) {
            HttpBackends.Reply reply = HttpBackends.get("127.0.0.1", entry, WEB, Map.of("end-user", "jason"));
            assertEquals("v2-a", reply.body(), "request " + i + ": " + reply);
        }
    }

    @Test
    @Order(2)
    void weightedSplitSendsAFifthToV2() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            HttpBackends.Reply reply = HttpBackends.get("127.0.0.1", entry, WEB);
            assertEquals(200, reply.status(), reply.toString());
            counts.merge(reply.body(), 1, Integer::sum);
        }
        int v2 = counts.getOrDefault("v2-a", 0);
        assertTrue(v2 >= 65 && v2 <= 135, "v2 should get 20% +-7 points of 500 requests, got " + v2 + ": " + counts);
        assertTrue(counts.getOrDefault("v1-a", 0) > 0 && counts.getOrDefault("v1-b", 0) > 0, "both v1 endpoints serve: " + counts);
    }

    @Test
    @Order(3)
    void abortFaultAnswersTheConfiguredStatus() {
        for (int i = 0; i < 5; i++) {
            assertEquals(418, HttpBackends.get("127.0.0.1", entry, WEB, Map.of("x-fault", "abort")).status());
        }
    }

    @Test
    @Order(4)
    void delayFaultHoldsTheRequest() {
        long start = System.nanoTime();
        HttpBackends.Reply reply = HttpBackends.get("127.0.0.1", entry, WEB, Map.of("x-fault", "delay"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, reply.status(), reply.toString());
        assertTrue(millis >= 450, "the 500ms delay was not applied: " + millis + " ms");
    }

    @Test
    @Order(5)
    void prefixMatchRewritesThePathAndChangesHeaders() {
        HttpBackends.Reply reply = HttpBackends.get("127.0.0.1", entry, WEB, "/api/items", Map.of("x-secret", "s3cr3t"));
        assertEquals(200, reply.status(), reply.toString());
        assertTrue(reply.body().startsWith("v1-"), reply.toString());
        assertEquals("/v2/items", reply.header("x-request-path"), reply.toString());
        String received = reply.header("x-request-headers");
        assertTrue(received.contains("x-added=yes") && !received.contains("x-secret"), "the backend received " + received);
        assertEquals("api", reply.header("x-route"), reply.toString());
    }

    @Test
    @Order(6)
    void exactMatchRedirects() {
        HttpBackends.Reply reply = HttpBackends.get("127.0.0.1", entry, WEB, "/old", Map.of());
        assertEquals(302, reply.status(), reply.toString());
        assertTrue(reply.header("location").endsWith(WEB + "/new"), reply.toString());
    }

    @Test
    @Order(7)
    void retriesHideABackendThatFailsEveryOtherRequest() {
        for (int i = 0; i < 10; i++) {
            HttpBackends.Reply reply = HttpBackends.get("127.0.0.1", entry, WEB, "/flaky", Map.of());
            assertEquals(200, reply.status(), "request " + i + ": " + reply);
        }
        assertTrue(flaky.hits(0) >= 19, "each request took a failed attempt and a retry, or more: " + flaky.hits(0) + " attempts");
    }

    @Test
    @Order(8)
    void routeTimeoutAnswers504() {
        long start = System.nanoTime();
        HttpBackends.Reply reply = HttpBackends.get("127.0.0.1", entry, WEB, "/slow", Map.of());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, reply.status(), reply.toString());
        assertTrue(millis < 2500, "the 300ms route timeout, not the backend's 3s answer, ended it after " + millis + " ms");
    }

    @Test
    @Order(9)
    void mirrorSendsACopyToTheShadowService() {
        int before = shadow.hits(0);
        HttpBackends.Reply reply = HttpBackends.get("127.0.0.1", entry, WEB, "/mirrored", Map.of());
        assertTrue(reply.body().startsWith("v1-"), "the caller gets the primary's answer: " + reply);
        Await.until(WAIT, "the mirrored request to reach the shadow backend", () -> shadow.hits(0) > before);
    }
}
