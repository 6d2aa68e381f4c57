package io.pilot4j.e2e;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * grpc-java's xDS client against VirtualService and DestinationRule from --configDir: subsets v1 and v2 of
 * {@code echo.example.com:7070}, an 80/20 weighted split, a header match to v2, a 100% abort fault, a direct
 * response and a redirect, and a route timeout (against a backend that answers after 3s),
 * all as Istio's proxyless gRPC clients get them. One server, one channel, steps in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrafficGrpcXdsClientTest {
    private static final String TARGET = "xds:///echo.example.com:7070";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Metadata.Key<String> TAG = Metadata.Key.of("x-tag", Metadata.ASCII_STRING_MARSHALLER);

    private EchoBackends backends;
    private EchoBackends slow;
    private RunningServer server;
    private GrpcXdsClient client;
    private ManagedChannel channel;

    @BeforeAll
    void start(@TempDir Path configDir) throws Exception {
        backends = EchoBackends.start("v1-a", "v1-b", "v2-a", "v2-b");
        slow = EchoBackends.startDelayed(Duration.ofSeconds(3), "slow-a");
        server = RunningServer.start(configDir);
        server.writeConfig("echo.yaml", serviceEntry() + RULES);
        client = GrpcXdsClient.connect(server.grpcTarget(), "default", "", TARGET);
        channel = client.channel();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(client, server, backends, slow);
    }

    private static final String RULES = """
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: echo, namespace: default}
            spec:
              host: echo.example.com
              subsets:
              - {name: v1, labels: {version: v1}}
              - {name: v2, labels: {version: v2}}
              - {name: slow, labels: {version: slow}}
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: echo, namespace: default}
            spec:
              hosts: [echo.example.com]
              http:
              - match: [{headers: {x-tag: {exact: canary}}}]
                route: [{destination: {host: echo.example.com, subset: v2}}]
              - match: [{headers: {x-tag: {exact: abort}}}]
                fault: {abort: {grpcStatus: RESOURCE_EXHAUSTED, percentage: {value: 100}}}
                route: [{destination: {host: echo.example.com, subset: v1}}]
              - match: [{headers: {x-tag: {exact: denied}}}]
                directResponse: {status: 403}
              - match: [{headers: {x-tag: {exact: moved}}}]
                redirect: {authority: elsewhere.example.com}
              - match: [{headers: {x-tag: {exact: slow}}}]
                timeout: 300ms
                route: [{destination: {host: echo.example.com, subset: slow}}]
              - route:
                - {destination: {host: echo.example.com, subset: v1}, weight: 80}
                - {destination: {host: echo.example.com, subset: v2}, weight: 20}
            """;

    private String serviceEntry() {
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
        for (int i = 0; i < 4; i++) {
            sb.append("  - {address: 127.0.0.1, ports: {grpc: ").append(backends.port(i)).append("}, labels: {version: ")
                    .append(backends.name(i), 0, 2).append("}}\n");
        }
        sb.append("  - {address: 127.0.0.1, ports: {grpc: ").append(slow.port(0)).append("}, labels: {version: slow}}\n");
        return sb.toString();
    }

    private Channel tagged(String tag) {
        Metadata headers = new Metadata();
        headers.put(TAG, tag);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Test
    @Order(1)
    void headerMatchSendsTaggedCallsToV2Only() {
        Channel canary = tagged("canary");
        Await.until(DEADLINE, "a call tagged canary to reach v2", () -> {
            try {
                return EchoBackends.who(canary).startsWith("v2");
            } catch (StatusRuntimeException e) {
                return false;
            }
        });
        for (int i = 0; i < 100; i++) {
            String who = EchoBackends.who(canary);
            assertTrue(who.startsWith("v2-"), "call " + i + " tagged canary reached " + who);
        }
    }

    @Test
    @Order(2)
    void weightedSplitSendsAFifthToV2() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            counts.merge(EchoBackends.who(channel), 1, Integer::sum);
        }
        int v2 = counts.getOrDefault("v2-a", 0) + counts.getOrDefault("v2-b", 0);
        int v1 = counts.getOrDefault("v1-a", 0) + counts.getOrDefault("v1-b", 0);
        assertEquals(1000, v1 + v2, "every call reaches a subset: " + counts);
        assertTrue(v2 >= 130 && v2 <= 270, "v2 should get 20% +-7 points of 1000 calls, got " + v2 + ": " + counts);
        assertTrue(counts.getOrDefault("v1-a", 0) > 0 && counts.getOrDefault("v1-b", 0) > 0, "both v1 endpoints serve: " + counts);
    }

    @Test
    @Order(3)
    void abortFaultReturnsTheConfiguredStatus() {
        Channel abort = tagged("abort");
        for (int i = 0; i < 20; i++) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> EchoBackends.who(abort));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.toString());
        }
    }

    @Test
    @Order(3)
    void directResponseAndRedirectRoutesFailTheirCallsWithTheAnswersStatus() {
        // Left out, their calls would fall through to the weighted default and succeed.
        for (int i = 0; i < 10; i++) {
            StatusRuntimeException denied = assertThrows(StatusRuntimeException.class, () -> EchoBackends.who(tagged("denied")));
            assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode(), "HTTP 403, as grpc-java maps it: " + denied);
            StatusRuntimeException moved = assertThrows(StatusRuntimeException.class, () -> EchoBackends.who(tagged("moved")));
            assertEquals(Status.Code.UNKNOWN, moved.getStatus().getCode(), "HTTP 301, as grpc-java maps it: " + moved);
        }
    }

    @Test
    @Order(4)
    void routeTimeoutEndsASlowCall() {
        Channel slowChannel = tagged("slow");
        long start = System.nanoTime();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> EchoBackends.who(slowChannel));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.toString());
        assertTrue(millis >= 250 && millis < 2500, "the 300ms route timeout, not the backend's 3s answer or the 5s call deadline, "
                + "ended it after " + millis + " ms");
    }

    @Test
    @Order(5)
    void anInvalidRuleIsRejectedAndADanglingSubsetReportedWhileTheRestKeepsApplying() {
        server.writeConfig("bad.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: broken, namespace: default}
                spec:
                  hosts: [other.example.com]
                  http:
                  - route:
                    - {destination: {host: other.example.com}, weight: 90}
                    - {destination: {host: other.example.com}, weight: 20}
                """);
        server.writeConfig("dangling.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: dangling, namespace: default}
                spec:
                  hosts: [other.example.com]
                  http: [{route: [{destination: {host: echo.example.com, subset: v9}}]}]
                """);
        Await.until(DEADLINE, "the broken VirtualService and the dangling subset to show in /debug/push_status", () -> {
            String body = server.get("/debug/push_status").body();
            return body.contains("bad.yaml") && body.contains("total destination weight 110 != 100")
                    && body.contains("subset \\\"v9\\\" of host echo.example.com is not defined");
        }, () -> server.get("/debug/push_status").body());
        Channel canary = tagged("canary");
        for (int i = 0; i < 20; i++) {
            assertTrue(EchoBackends.who(canary).startsWith("v2-"));
        }
        // The rules in effect are listed as written, oneof fields (StringMatch) included.
        var configz = server.get("/debug/configz");
        assertEquals(200, configz.statusCode(), configz.body());
        assertTrue(configz.body().contains("\"exact\" : \"canary\""), configz.body());
    }
}
