package io.pilot4j.e2e;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Status;
import io.pilot4j.testing.AdsClient;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.DeltaAdsClient;
import io.pilot4j.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clients that go away, or that the server cannot serve, get a clear answer and leave nothing behind. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;

    private RunningServer server;

    @BeforeAll
    void start(@TempDir Path configDir) throws Exception {
        server = RunningServer.start(configDir);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void vanishedClientIsForgottenAndOthersKeepBeingServed() {
        AdsClient gone = new AdsClient(server.grpcTarget(), "sidecar~10.0.0.1~gone.default~default.svc.cluster.local", Map.of());
        gone.send(CDS, List.of(), "", "");
        gone.next(WAIT);
        Await.until(WAIT, "the client in /debug/syncz", () -> server.get("/debug/syncz").body().contains("gone.default"));
        gone.close(); // drops the channel without a goodbye
        Await.until(WAIT, "the vanished client to leave /debug/syncz", () -> !server.get("/debug/syncz").body().contains("gone.default"),
                () -> server.get("/debug/syncz").body());

        try (AdsClient next = new AdsClient(server.grpcTarget(), "sidecar~10.0.0.2~next.default~default.svc.cluster.local", Map.of())) {
            next.send(CDS, List.of(), "", "");
            assertEquals(CDS, next.next(WAIT).getTypeUrl());
        }
    }

    @Test
    void malformedNodeIdIsRefusedWithTheReason() throws Exception {
        try (AdsClient bad = new AdsClient(server.grpcTarget(), "sidecar~not-an-ip~x.default~default.svc.cluster.local", Map.of())) {
            bad.send(CDS, List.of(), "", "");
            Throwable error = bad.error(WAIT);
            Status status = Status.fromThrowable(error);
            assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), String.valueOf(error));
            assertTrue(status.getDescription().contains("'not-an-ip' is not an IP address"), status.getDescription());
            assertTrue(!server.get("/debug/syncz").body().contains("not-an-ip"), "a refused stream is not a connected proxy");
        }
    }

    @Test
    void firstRequestWithoutNodeIsRefused() throws Exception {
        try (AdsClient anonymous = new AdsClient(server.grpcTarget(), "unused", Map.of())) {
            // A request built by hand so that no node is attached.
            anonymous.sendWithoutNode(DiscoveryRequest.newBuilder().setTypeUrl(CDS));
            Status status = Status.fromThrowable(anonymous.error(WAIT));
            assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
            assertTrue(status.getDescription().contains("must carry node.id"), status.getDescription());
        }
    }

    @Test
    void deltaStreamsAreRefusedAndForgottenAlike() throws Exception {
        try (DeltaAdsClient bad = new DeltaAdsClient(server.grpcTarget(), "sidecar~not-an-ip~x.default~default.svc.cluster.local", Map.of())) {
            bad.subscribe(CDS, List.of());
            Status status = Status.fromThrowable(bad.error(WAIT));
            assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
            assertTrue(status.getDescription().contains("'not-an-ip' is not an IP address"), status.getDescription());
        }

        DeltaAdsClient gone = new DeltaAdsClient(server.grpcTarget(), "sidecar~10.0.0.3~gone-delta.default~default.svc.cluster.local", Map.of());
        gone.subscribe(CDS, List.of());
        assertEquals(CDS, gone.next(WAIT).getTypeUrl());
        Await.until(WAIT, "the delta client in /debug/syncz", () -> server.get("/debug/syncz").body().contains("gone-delta.default"));
        gone.close();
        Await.until(WAIT, "the vanished delta client to leave /debug/syncz",
                () -> !server.get("/debug/syncz").body().contains("gone-delta.default"), () -> server.get("/debug/syncz").body());
    }
}
