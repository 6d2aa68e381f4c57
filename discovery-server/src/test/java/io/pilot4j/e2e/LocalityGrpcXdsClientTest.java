package io.pilot4j.e2e;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.Closeables;
import io.pilot4j.testing.EchoBackends;
import io.pilot4j.testing.GrpcXdsClient;
import io.pilot4j.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * grpc-java's xDS client with locality failover: its bootstrap node says it runs in us-east/zone-a, the service has
 * a backend in zone-a and one in zone-b, and a DestinationRule with outlier detection turns on the mesh's default
 * locality failover. Every call goes to zone-a (round robin alone would send half to zone-b); once zone-a's endpoint
 * leaves the config, calls go to zone-b.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalityGrpcXdsClientTest {
    private static final String TARGET = "xds:///echo.example.com:7070";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String RULE = """
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: echo, namespace: default}
            spec:
              host: echo.example.com
              trafficPolicy:
                outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}
                loadBalancer: {simple: ROUND_ROBIN, localityLbSetting: {enabled: true}}
            """;

    private EchoBackends backends;
    private RunningServer server;
    private GrpcXdsClient client;
    private ManagedChannel channel;

    @BeforeAll
    void start(@TempDir Path configDir) throws Exception {
        backends = EchoBackends.start("zone-a", "zone-b");
        server = RunningServer.start(configDir);
        server.writeConfig("echo.yaml", serviceEntry(true) + RULE);
        client = GrpcXdsClient.connect(server.grpcTarget(), "default", "\"locality\": {\"region\": \"us-east\", \"zone\": \"zone-a\"}", TARGET);
        channel = client.channel();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(client, server, backends);
    }

    private String serviceEntry(boolean withZoneA) {
        StringBuilder sb = new StringBuilder("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: echo, namespace: default}
                spec:
                  hosts: [echo.example.com]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports: [{number: 7070, name: grpc, protocol: GRPC}]
                  endpoints:
                """);
        if (withZoneA) {
            sb.append("  - {address: 127.0.0.1, ports: {grpc: ").append(backends.port(0)).append("}, locality: us-east/zone-a}\n");
        }
        sb.append("  - {address: 127.0.0.1, ports: {grpc: ").append(backends.port(1)).append("}, locality: us-east/zone-b}\n");
        return sb.toString();
    }

    private String callOrFailure() {
        try {
            return EchoBackends.who(channel);
        } catch (StatusRuntimeException e) {
            return e.getStatus().toString();
        }
    }

    private void assertEveryCallReaches(String backend) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            counts.merge(EchoBackends.who(channel), 1, Integer::sum);
        }
        assertEquals(Map.of(backend, 200), counts, "200 calls from zone-a");
    }

    @Test
    @Order(1)
    void everyCallStaysInTheClientsZone() {
        Await.until(DEADLINE, "a call to reach zone-a", () -> callOrFailure().equals("zone-a"));
        assertEveryCallReaches("zone-a");
    }

    @Test
    @Order(2)
    void callsFailOverToTheNextZoneWhenTheClientsZoneHasNoEndpoints() {
        server.writeConfig("echo.yaml", serviceEntry(false) + RULE);
        Await.until(DEADLINE, "a call to reach zone-b once zone-a has no endpoint", () -> callOrFailure().equals("zone-b"));
        assertEveryCallReaches("zone-b");
    }
}
