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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A port that declares no protocol, through a real Envoy: HTTP on it is told apart by http_inspector and routed by a
 * VirtualService (a header match to another service), while bytes that are not HTTP take the port's TCP chain to the
 * same endpoint untouched. The service has a loopback VIP, where a proxy without iptables listens for it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnvoySniffingTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String LEGACY = "legacy.example.com";
    private static final String VIP = "127.0.0.4";

    @RegisterExtension
    final EnvoyProcess.LogOnFailure envoyLogs = new EnvoyProcess.LogOnFailure();

    private HttpBackends backends;
    private RunningServer server;
    private EnvoyProcess envoy;
    private int port;

    @BeforeAll
    void start(@TempDir Path configDir, @TempDir Path meshDir, @TempDir Path envoyDir) throws Exception {
        EnvoyBinary.assumeAvailable();
        backends = HttpBackends.start("legacy", "canary");
        port = FreePorts.pick(1)[0];
        Path mesh = meshDir.resolve("mesh.json");
        Files.writeString(mesh, "{\"defaultConfig\": {\"concurrency\": 1}}");
        server = RunningServer.start(configDir, mesh, true);
        server.writeConfig("legacy.yaml", """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: legacy, namespace: default}
                spec:
                  hosts: [%s]
                  addresses: [%s]
                  ports: [{number: %d, name: legacy}]
                  resolution: STATIC
                  endpoints: [{address: 127.0.0.1, ports: {legacy: %d}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: canary, namespace: default}
                spec:
                  hosts: [canary.example.com]
                  ports: [{number: %d, name: http, protocol: HTTP}]
                  resolution: STATIC
                  endpoints: [{address: 127.0.0.1, ports: {http: %d}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: legacy, namespace: default}
                spec:
                  hosts: [%s]
                  http:
                  - match: [{headers: {x-canary: {exact: "yes"}}}]
                    route: [{destination: {host: canary.example.com}}]
                  - route: [{destination: {host: %s}}]
                """.formatted(LEGACY, VIP, port, backends.port(0), port, backends.port(1), LEGACY, LEGACY));
        Await.until(WAIT, "legacy and canary in /debug/registryz", () -> {
            String registry = server.get("/debug/registryz").body();
            return registry.contains(LEGACY) && registry.contains("canary.example.com");
        }, () -> server.get("/debug/registryz").body());
        envoy = envoyLogs.watch(EnvoyProcess.bootstrap(envoyDir, "--id", "sleep-1.default", "--meshConfig", mesh.toString(),
                "--discoveryAddress", server.grpcTarget(), "--proxyLogLevel", "info"));
        Await.until(WAIT, "HTTP on the sniffed port answered",
                () -> HttpBackends.get(VIP, port, LEGACY).status() == 200, () -> envoy.log());
    }

    @AfterEach
    void envoyRejectedNothing() {
        envoy.assertNoRejectedUpdates();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(envoy, server, backends);
    }

    @Test
    void httpOnAPortWithoutProtocolIsRoutedByTheVirtualService() {
        HttpBackends.Reply plain = HttpBackends.get(VIP, port, LEGACY);
        HttpBackends.Reply canary = HttpBackends.get(VIP, port, LEGACY, Map.of("x-canary", "yes"));

        assertEquals("legacy", plain.body());
        assertEquals("canary", canary.body(), "the header match of the VirtualService applies on the sniffed port");
        assertTrue(plain.headers().containsKey("x-envoy-upstream-service-time"), "answered through Envoy's router: " + plain.headers());
    }

    @Test
    void bytesThatAreNotHttpPassThroughTheTcpChainUntouched() throws IOException {
        // Not HTTP, so http_inspector reports no protocol: the TCP chain forwards the bytes as they are, and the
        // backend's lenient parser answers them itself (Envoy's HTTP codec would have refused them with its own 400).
        String reply = exchange("hello, not http\r\n\r\n");

        assertTrue(reply.startsWith("HTTP/1.1 4"), reply);
        assertTrue(!reply.toLowerCase().contains("x-envoy-upstream-service-time") && !reply.toLowerCase().contains("server: envoy"),
                "not Envoy's own answer: " + reply);
    }

    private String exchange(String bytes) throws IOException {
        try (Socket socket = new Socket(VIP, port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                    break;
                }
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
