package io.pilot4j.xds;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Kind;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.TriggerReason;
import io.pilot4j.push.PushTuning;
import io.pilot4j.testing.AdsClient;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.MemoryRegistry;
import io.pilot4j.testing.XdsTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A client that stops reading (a stuck Envoy, a paused process) must not slow anyone else down, nor make the server
 * hold a growing backlog for it: its stream turns unready, and pushes for it merge into one that waits for it to drain.
 * With a push throttle of one, a stuck client that held its slot would stall every other proxy.
 */
class SlowClientTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
    private static final String LDS = Resources.V3.LISTENER_TYPE_URL;
    /** Enough services for one cluster response to overflow a small flow-control window and gRPC's 32 KiB ready threshold. */
    private static final int SERVICES = 400;
    private static final int PUSHES = 20;

    private final MemoryRegistry registry = new MemoryRegistry();
    private XdsTestServer server;
    private ManagedChannel slowChannel;
    private AdsClient fast;

    @BeforeEach
    void start() throws Exception {
        for (int i = 0; i < SERVICES; i++) {
            registry.put(MemoryRegistry.http("service-with-a-rather-long-name-" + i, "default", 8080, "10.96." + i / 250 + "." + (i % 250 + 1), "*"),
                    MemoryRegistry.endpoints("http-8080", 8080, "10.1.0.1"));
        }
        server = XdsTestServer.start(registry, new PushTuning(Duration.ofMillis(10), Duration.ofSeconds(1), 1, 10_000));
    }

    @AfterEach
    void stop() {
        if (fast != null) {
            fast.close();
        }
        if (slowChannel != null) {
            slowChannel.shutdownNow();
        }
        server.close();
    }

    @Test
    void aClientThatStopsReadingBlocksNobodyAndGetsOneMergedPushWhenItReadsAgain() throws Exception {
        slowChannel = NettyChannelBuilder.forTarget(server.target()).usePlaintext().initialFlowControlWindow(16 * 1024).build();
        SlowStream slow = new SlowStream();
        AggregatedDiscoveryServiceGrpc.newStub(slowChannel).streamAggregatedResources(slow)
                .onNext(DiscoveryRequest.newBuilder().setNode(Node.newBuilder().setId("sidecar~10.1.0.8~stuck-1.default~default.svc.cluster.local"))
                        .setTypeUrl(CDS).build());
        Await.until(WAIT, "the stuck client's first clusters sent", () -> status("stuck-1.default") != null
                && status("stuck-1.default").types().containsKey("CDS") && !status("stuck-1.default").types().get("CDS").versionSent().isEmpty());

        fast = new AdsClient(server.target(), "sidecar~10.1.0.9~fast-1.default~default.svc.cluster.local", Map.of());
        fast.send(CDS, List.of(), "", "");
        DiscoveryResponse latest = fast.next(WAIT);
        fast.ack(latest, List.of());

        for (int round = 1; round <= PUSHES; round++) {
            registry.put(MemoryRegistry.http("added-" + round, "default", 8080, "10.97.0." + round, "*"),
                    MemoryRegistry.endpoints("http-8080", 8080, "10.1.0.1"));
            server.discovery().configUpdate(PushRequest.full(TriggerReason.SERVICE, Set.of(new ConfigKey(Kind.SERVICE, "default", "added-" + round)),
                    Instant.now()));
            // The one push slot is not held by the stuck client: every round reaches the client that reads.
            latest = fast.next(WAIT);
            assertEquals(CDS, latest.getTypeUrl());
            fast.ack(latest, List.of());
        }

        SyncStatus.PendingPush pending = status("stuck-1.default").pendingPush();
        assertNotNull(pending, "the stuck client's pushes wait on its connection");
        assertEquals(PUSHES, pending.merged(), "every push since it stopped reading, merged into one");
        assertEquals(List.of("CDS", "EDS", "LDS", "RDS"), pending.types());

        slow.read();
        DiscoveryResponse first = slow.next();
        DiscoveryResponse merged = slow.next();
        assertEquals(CDS, first.getTypeUrl(), "what was sent before it stopped reading");
        assertEquals(CDS, merged.getTypeUrl());
        assertEquals(latest.getVersionInfo(), merged.getVersionInfo(), "then one push with the latest clusters, not twenty");
        slow.requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(CDS).setVersionInfo(merged.getVersionInfo())
                .setResponseNonce(merged.getNonce()).build());
        slow.requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(LDS).build());
        assertEquals(LDS, slow.next().getTypeUrl(), "nothing else was waiting");
        Await.until(WAIT, "the pending push to be gone", () -> status("stuck-1.default").pendingPush() == null);
    }

    private SyncStatus status(String proxy) {
        for (SyncStatus s : server.discovery().syncStatus()) {
            if (s.proxy().id().equals(proxy)) {
                return s;
            }
        }
        return null;
    }

    /** An ADS stream that reads nothing until told to: what the server sends piles up in the transport. */
    private static final class SlowStream implements ClientResponseObserver<DiscoveryRequest, DiscoveryResponse> {
        private final BlockingQueue<DiscoveryResponse> received = new LinkedBlockingQueue<>();
        private volatile ClientCallStreamObserver<DiscoveryRequest> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> stream) {
            requests = stream;
            stream.disableAutoRequestWithInitial(0);
        }

        void read() {
            requests.request(Integer.MAX_VALUE);
        }

        DiscoveryResponse next() throws InterruptedException {
            DiscoveryResponse r = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                throw new AssertionError("no response within " + WAIT.toMillis() + " ms");
            }
            return r;
        }

        @Override
        public void onNext(DiscoveryResponse value) {
            received.add(value);
        }

        @Override
        public void onError(Throwable t) {
            // The test fails on the missing response.
        }

        @Override
        public void onCompleted() {
            // Same.
        }
    }
}
