package io.pilot4j.e2e;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.pilot4j.testing.AdsClient;
import io.pilot4j.testing.Await;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
    void deltaAdsSaysItIsNotServedYet() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forTarget(server.grpcTarget()).usePlaintext().build();
        try {
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            StreamObserver<DeltaDiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
                    .deltaAggregatedResources(new StreamObserver<DeltaDiscoveryResponse>() {
                        @Override
                        public void onNext(DeltaDiscoveryResponse value) {
                            ended.completeExceptionally(new AssertionError("unexpected delta response"));
                        }

                        @Override
                        public void onError(Throwable t) {
                            ended.complete(t);
                        }

                        @Override
                        public void onCompleted() {
                            ended.completeExceptionally(new AssertionError("stream completed without an error"));
                        }
                    });
            requests.onNext(DeltaDiscoveryRequest.newBuilder().setTypeUrl(CDS).build());
            StatusRuntimeException e = (StatusRuntimeException) ended.get(10, TimeUnit.SECONDS);
            assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("api_type GRPC"), e.getStatus().getDescription());
        } finally {
            channel.shutdownNow();
        }
    }
}
