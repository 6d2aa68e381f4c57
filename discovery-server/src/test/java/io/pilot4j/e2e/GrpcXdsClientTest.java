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

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * grpc-java's own xDS client, dialing {@code xds:///echo.example.com:7070}, routes real RPCs to loopback
 * backends through what pilot4j serves from a --configDir ServiceEntry; edits to the file move traffic;
 * a malformed edit changes nothing and shows up in /debug/push_status. The steps share one server and
 * one channel and run in order, as a user's session would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GrpcXdsClientTest {
    private static final String TARGET = "xds:///echo.example.com:7070";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private EchoBackends backends;
    private RunningServer server;
    private GrpcXdsClient client;
    private ManagedChannel channel;

    @BeforeAll
    void start(@TempDir Path configDir) throws Exception {
        backends = EchoBackends.start("backend-0", "backend-1", "backend-2");
        server = RunningServer.start(configDir);
        server.writeConfig("echo.yaml", serviceEntry(0, 1, 2));
        client = GrpcXdsClient.connect(server.grpcTarget(), "default", "", TARGET);
        channel = client.channel();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(client, server, backends);
    }

    @Test
    @Order(1)
    void rpcsReachEveryBackend() {
        Set<String> seen = new HashSet<>();
        List<String> failures = new ArrayList<>();
        Await.until(DEADLINE, "RPCs through xds:/// to reach all three backends", () -> {
            try {
                seen.add(EchoBackends.who(channel));
            } catch (StatusRuntimeException e) {
                failures.add(e.getStatus().toString());
            }
            return seen.size() == 3;
        }, () -> "seen " + seen + ", last failures " + tail(failures));
    }

    @Test
    @Order(2)
    void droppingABackendFromTheFileStopsItsTraffic() {
        server.writeConfig("echo.yaml", serviceEntry(0, 1));
        Await.until(DEADLINE, "30 consecutive RPCs that avoid backend-2", () -> {
            for (int i = 0; i < 30; i++) {
                if (EchoBackends.who(channel).equals("backend-2")) {
                    return false;
                }
            }
            return true;
        });
        Set<String> seen = callMany(60);
        assertEquals(Set.of("backend-0", "backend-1"), seen, "after the edit, traffic must spread over exactly the remaining backends");
    }

    @Test
    @Order(3)
    void malformedEditChangesNothingAndIsReported() {
        server.writeConfig("echo.yaml", "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: echo\nspec: [\n");
        Await.until(DEADLINE, "the malformed echo.yaml to show in /debug/push_status", () -> {
            HttpResponse<String> status = server.get("/debug/push_status");
            return status.statusCode() == 200 && status.body().contains("echo.yaml");
        }, () -> server.get("/debug/push_status").body());
        Set<String> seen = callMany(60);
        assertEquals(Set.of("backend-0", "backend-1"), seen, "the last good content of echo.yaml must keep serving");
        assertEquals(200, server.get("/ready").statusCode());
    }

    @Test
    @Order(4)
    void aServiceEntrySelectingWorkloadEntriesRoutesToTheSelectedOnes() {
        server.writeConfig("echo.yaml", """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: echo, namespace: default}
                spec:
                  hosts: [echo.example.com]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  workloadSelector: {labels: {app: echo}}
                  ports:
                  - {number: 7070, name: grpc, protocol: GRPC}
                """);
        for (int i = 0; i < 3; i++) {
            // backend-1's entry is in another namespace: a selector selects in its ServiceEntry's namespace only.
            server.writeConfig("vm-" + i + ".yaml", """
                    apiVersion: networking.istio.io/v1
                    kind: WorkloadEntry
                    metadata: {name: vm-%d, namespace: %s}
                    spec: {address: 127.0.0.1, ports: {grpc: %d}, labels: {app: echo, backend: %s}}
                    """.formatted(i, i == 1 ? "other" : "default", backends.port(i), backends.name(i)));
        }
        Await.until(DEADLINE, "30 consecutive RPCs that reach only the selected entries", () -> {
            for (int i = 0; i < 30; i++) {
                if (EchoBackends.who(channel).equals("backend-1")) {
                    return false;
                }
            }
            return true;
        });
        assertEquals(Set.of("backend-0", "backend-2"), callMany(60), "traffic spreads over exactly the selected WorkloadEntries");
    }

    private Set<String> callMany(int n) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            seen.add(EchoBackends.who(channel));
        }
        return seen;
    }

    private String serviceEntry(int... backendIndexes) {
        StringBuilder sb = new StringBuilder("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: echo
                  namespace: default
                spec:
                  hosts: [echo.example.com]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports:
                  - {number: 7070, name: grpc, protocol: GRPC}
                  endpoints:
                """);
        for (int i : backendIndexes) {
            sb.append("  - address: 127.0.0.1\n    ports: {grpc: ").append(backends.port(i)).append("}\n")
                    .append("    labels: {backend: ").append(backends.name(i)).append("}\n");
        }
        return sb.toString();
    }

    private static List<String> tail(List<String> list) {
        return list.subList(Math.max(0, list.size() - 3), list.size());
    }
}
