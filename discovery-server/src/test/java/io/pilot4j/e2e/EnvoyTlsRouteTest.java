package io.pilot4j.e2e;

import io.pilot4j.testing.Await;
import io.pilot4j.testing.Closeables;
import io.pilot4j.testing.EnvoyBinary;
import io.pilot4j.testing.EnvoyProcess;
import io.pilot4j.testing.FreePorts;
import io.pilot4j.testing.RunningServer;
import io.pilot4j.testing.TcpBackends;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A real Envoy sidecar routing TLS by SNI without terminating it: a VirtualService's tls routes send SNI a.example.com
 * and b.example.com to two subsets of one service, a second TLS service without VIP shares the port by its own host
 * name, and an SNI nobody claims is refused. The backends speak plain TCP and greet with their name: the client sends
 * a real ClientHello (Envoy reads its SNI) and learns from the greeting where Envoy took the connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnvoyTlsRouteTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final EnvoyProcess.LogOnFailure envoyLogs = new EnvoyProcess.LogOnFailure();

    private TcpBackends backends;
    private RunningServer server;
    private EnvoyProcess envoy;
    private int port;

    @BeforeAll
    void start(@TempDir Path configDir, @TempDir Path meshDir, @TempDir Path envoyDir) throws Exception {
        EnvoyBinary.assumeAvailable();
        backends = TcpBackends.start("cell-a", "cell-b", "other");
        port = FreePorts.pick(1)[0];
        Path mesh = meshDir.resolve("mesh.json");
        Files.writeString(mesh, "{\"defaultConfig\": {\"concurrency\": 1}}");
        server = RunningServer.start(configDir, mesh, true);
        server.writeConfig("tls.yaml", rules());
        Await.until(WAIT, "both TLS services in /debug/registryz", () -> {
            String registry = server.get("/debug/registryz").body();
            return registry.contains("secure.example.com") && registry.contains("other.example.com");
        }, () -> server.get("/debug/registryz").body());
        envoy = envoyLogs.watch(EnvoyProcess.bootstrap(envoyDir, "--id", "sleep-1.default", "--labels", "app=sleep",
                "--meshConfig", mesh.toString(), "--discoveryAddress", server.grpcTarget(), "--proxyLogLevel", "info"));
    }

    @AfterEach
    void envoyRejectedNothing() {
        envoy.assertNoRejectedUpdates();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(envoy, server, backends);
    }

    private String rules() {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: secure, namespace: default}
                spec:
                  hosts: [secure.example.com]
                  ports: [{number: %1$d, name: tls, protocol: TLS}]
                  resolution: STATIC
                  endpoints:
                  - {address: 127.0.0.1, ports: {tls: %2$d}, labels: {cell: a}}
                  - {address: 127.0.0.1, ports: {tls: %3$d}, labels: {cell: b}}
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: other, namespace: default}
                spec:
                  hosts: [other.example.com]
                  ports: [{number: %1$d, name: tls, protocol: TLS}]
                  resolution: STATIC
                  endpoints:
                  - {address: 127.0.0.1, ports: {tls: %4$d}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: secure, namespace: default}
                spec:
                  host: secure.example.com
                  subsets: [{name: a, labels: {cell: a}}, {name: b, labels: {cell: b}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: secure, namespace: default}
                spec:
                  hosts: [secure.example.com, a.example.com, b.example.com]
                  tls:
                  - match: [{sniHosts: [a.example.com]}]
                    route: [{destination: {host: secure.example.com, subset: a}}]
                  - match: [{sniHosts: [b.example.com]}]
                    route: [{destination: {host: secure.example.com, subset: b}}]
                """.formatted(port, backends.port(0), backends.port(1), backends.port(2));
    }

    @Test
    void connectionsGoWhereTheirSniSays() throws Exception {
        // The listener comes with the first LDS answer; until Envoy has it, connections are refused.
        Await.until(WAIT, "a connection with SNI a.example.com reaching cell-a",
                () -> Optional.of("cell-a").equals(whoBySni("a.example.com")), () -> String.valueOf(whoBySni("a.example.com")));

        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.of("cell-a"), whoBySni("a.example.com"));
            assertEquals(Optional.of("cell-b"), whoBySni("b.example.com"));
            assertEquals(Optional.of("other"), whoBySni("other.example.com"));
        }
        assertEquals(Optional.empty(), whoBySni("unknown.example.com"), "no filter chain matches: Envoy closes the connection");
    }

    /** Sends a TLS ClientHello for {@code sni} through Envoy; the greeting of the backend it reached, if any. */
    private Optional<String> whoBySni(String sni) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(clientHello(sni));
            socket.getOutputStream().flush();
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
            return Optional.ofNullable(line);
        } catch (IOException e) {
            // Refused (no listener yet) or reset: nobody answered.
            return Optional.empty();
        }
    }

    private static byte[] clientHello(String sni) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, null, null);
            SSLEngine engine = context.createSSLEngine(sni, 443);
            engine.setUseClientMode(true);
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(sni)));
            engine.setSSLParameters(parameters);
            ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.beginHandshake();
            engine.wrap(ByteBuffer.allocate(0), out);
            out.flip();
            byte[] bytes = new byte[out.remaining()];
            out.get(bytes);
            return bytes;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }
}
