package io.pilot4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regexes a real Envoy would refuse never reach it: two services share a port, so one route configuration holds
 * both; a VirtualService of one with Java-only regexes (lookahead, a backreference) is rejected and reported, and a
 * change to the other's VirtualService still arrives. A regex in RE2's own syntax (a {@code (?P<id>...)} group),
 * which Java's dialect refused, routes real traffic. Envoy rejects no update throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnvoyRegexTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final EnvoyProcess.LogOnFailure envoyLogs = new EnvoyProcess.LogOnFailure();

    private HttpBackends backends;
    private RunningServer server;
    private EnvoyProcess envoy;
    private int port;

    @BeforeAll
    void start(@TempDir Path configDir, @TempDir Path meshDir, @TempDir Path envoyDir) throws Exception {
        EnvoyBinary.assumeAvailable();
        backends = HttpBackends.start("a", "b");
        port = FreePorts.pick(1)[0];
        Path mesh = meshDir.resolve("mesh.json");
        Files.writeString(mesh, "{\"defaultConfig\": {\"concurrency\": 1}}");
        server = RunningServer.start(configDir, mesh, true);
        server.writeConfig("services.yaml", service("a", backends.port(0)) + "---\n" + service("b", backends.port(1)));
        server.writeConfig("a.yaml", virtualServiceA(""));
        Await.until(WAIT, "a and b in /debug/registryz", () -> server.get("/debug/registryz").body().contains("b.example.com"),
                () -> server.get("/debug/registryz").body());
        envoy = envoyLogs.watch(EnvoyProcess.bootstrap(envoyDir, "--id", "sleep-1.default", "--meshConfig", mesh.toString(),
                "--discoveryAddress", server.grpcTarget(), "--proxyLogLevel", "info"));
        Await.until(WAIT, "a routed through Envoy", () -> answers("a.example.com", "/", "a"));
    }

    @AfterEach
    void envoyRejectedNothing() {
        envoy.assertNoRejectedUpdates();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(envoy, server, backends);
    }

    private String service(String name, int backendPort) {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: %s, namespace: default}
                spec:
                  hosts: [%s.example.com]
                  ports: [{number: %d, name: http, protocol: HTTP}]
                  resolution: STATIC
                  endpoints: [{address: 127.0.0.1, ports: {http: %d}}]
                """.formatted(name, name, port, backendPort);
    }

    private static String virtualServiceA(String timeout) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: a, namespace: default}
                spec:
                  hosts: [a.example.com]
                  http: [{%sroute: [{destination: {host: a.example.com}}]}]
                """.formatted(timeout);
    }

    private boolean answers(String host, String path, String body) {
        try {
            return HttpBackends.get("127.0.0.1", port, host, path, Map.of()).body().equals(body);
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    /** Every route of the dynamic route configs, as Envoy holds them. */
    private String routesInEnvoy() {
        JsonNode dump = envoy.configDump();
        return EnvoyProcess.section(dump, "RoutesConfigDump").path("dynamic_route_configs").toString();
    }

    @Test
    @Order(1)
    void javaOnlyRegexesAreRejectedAndAChangeBesideThemArrives() {
        server.writeConfig("b-bad.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: b, namespace: default}
                spec:
                  hosts: [b.example.com]
                  http:
                  - match: [{uri: {regex: "/api/(?=v1).*"}}, {uri: {regex: "/(a+)/\\\\1"}}]
                    route: [{destination: {host: b.example.com}}]
                """);
        Await.until(WAIT, "the rejected VirtualService in /debug/push_status", () -> {
            String status = server.get("/debug/push_status").body();
            return status.contains("b-bad.yaml") && status.contains("spec.http[0].match[0].uri.regex")
                    && status.contains("spec.http[0].match[1].uri.regex");
        }, () -> server.get("/debug/push_status").body());

        server.writeConfig("a.yaml", virtualServiceA("timeout: 7s, "));

        Await.until(WAIT, "a's 7s timeout in Envoy", () -> routesInEnvoy().contains("\"timeout\":\"7s\""), this::routesInEnvoy);
        String routes = routesInEnvoy();
        assertFalse(routes.contains("(?="), routes);
        assertFalse(routes.contains("\\\\1"), routes);
        assertTrue(answers("b.example.com", "/", "b"), "b keeps its routes");
    }

    @Test
    @Order(2)
    void aNamedGroupInRe2SyntaxRoutesTraffic() {
        server.writeConfig("b-bad.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: b, namespace: default}
                spec:
                  hosts: [b.example.com]
                  http:
                  - match: [{uri: {regex: "/u/(?P<id>[0-9]+)"}}]
                    route: [{destination: {host: b.example.com}}]
                  - directResponse: {status: 404}
                """);

        Await.until(WAIT, "b's new routes in Envoy", () -> HttpBackends.get("127.0.0.1", port, "b.example.com", "/u/x", Map.of()).status() == 404);
        assertTrue(answers("b.example.com", "/u/42", "b"), "/u/42 is routed to b by the regex");
        assertFalse(server.get("/debug/push_status").body().contains("b-bad.yaml"), server.get("/debug/push_status").body());
    }
}
