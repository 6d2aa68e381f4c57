package io.pilot4j.e2e;

import com.google.rpc.Status;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Kind;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.TriggerReason;
import io.pilot4j.monitoring.PilotMetrics;
import io.pilot4j.testing.AdsClient;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.Closeables;
import io.pilot4j.testing.DeltaAdsClient;
import io.pilot4j.testing.MemoryRegistry;
import io.pilot4j.testing.XdsTestServer;
import io.pilot4j.xds.SyncStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What held when the server was probed with many clients at once, kept true: a NACK storm gets no resend loop, and
 * thousands of clients that connect and vanish leave neither connections, threads nor heap behind.
 */
class ClientChurnTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
    private static final String LDS = Resources.V3.LISTENER_TYPE_URL;
    private static final String EDS = Resources.V3.ENDPOINT_TYPE_URL;

    private final MemoryRegistry registry = new MemoryRegistry();
    private XdsTestServer server;

    @BeforeEach
    void start() throws Exception {
        registry.put(MemoryRegistry.http("web", "default", 8080, "10.96.0.1", "*"), MemoryRegistry.endpoints("http-8080", 8080, "10.1.0.1"));
        server = XdsTestServer.start(registry, XdsTestServer.fast());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void pushNewService(String name) {
        registry.put(MemoryRegistry.http(name, "default", 8080, "10.96.1." + (name.length() % 250 + 1), "*"),
                MemoryRegistry.endpoints("http-8080", 8080, "10.1.0.2"));
        server.discovery().configUpdate(PushRequest.full(TriggerReason.SERVICE, Set.of(new ConfigKey(Kind.SERVICE, "default", name)), Instant.now()));
    }

    private static Status nackReason() {
        return Status.newBuilder().setCode(3).setMessage("rejected by the test").build();
    }

    /**
     * Every client NACKs every cluster response, twice (the first answer, then a push). A request of another type
     * after each NACK is a barrier: one stream's requests are handled in order, so an answer to the NACK would arrive
     * before the barrier's. Each client gets exactly two cluster responses, and every NACK is counted.
     */
    @Test
    void aNackStormGetsNoResendLoop() {
        int clients = 100;
        List<AdsClient> sotw = new ArrayList<>();
        List<DeltaAdsClient> delta = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                sotw.add(new AdsClient(server.target(), "sidecar~10.2.0." + (i % 250 + 1) + "~nack-sotw-" + i + ".default~default.svc.cluster.local", Map.of()));
                delta.add(new DeltaAdsClient(server.target(), "sidecar~10.3.0." + (i % 250 + 1) + "~nack-delta-" + i + ".default~default.svc.cluster.local", Map.of()));
            }
            List<DiscoveryResponse> sotwFirst = new ArrayList<>();
            List<DeltaDiscoveryResponse> deltaFirst = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                sotw.get(i).send(CDS, List.of(), "", "");
                delta.get(i).subscribe(CDS, List.of());
            }
            for (int i = 0; i < clients; i++) {
                DiscoveryResponse r = sotw.get(i).next(WAIT);
                assertEquals(CDS, r.getTypeUrl());
                sotw.get(i).send(DiscoveryRequest.newBuilder().setTypeUrl(CDS).setResponseNonce(r.getNonce()).setErrorDetail(nackReason()));
                sotw.get(i).send(LDS, List.of(), "", "");
                sotwFirst.add(r);
                DeltaDiscoveryResponse d = delta.get(i).next(WAIT);
                assertEquals(CDS, d.getTypeUrl());
                delta.get(i).nack(d, "rejected by the test");
                delta.get(i).subscribe(LDS, List.of());
                deltaFirst.add(d);
            }
            for (int i = 0; i < clients; i++) {
                assertEquals(LDS, sotw.get(i).next(WAIT).getTypeUrl(), "sotw client " + i + ": the NACK was answered");
                assertEquals(LDS, delta.get(i).next(WAIT).getTypeUrl(), "delta client " + i + ": the NACK was answered");
            }

            pushNewService("pushed");
            for (int i = 0; i < clients; i++) {
                DiscoveryResponse r = nextOfType(sotw.get(i), CDS);
                assertNotEquals(sotwFirst.get(i).getVersionInfo(), r.getVersionInfo(), "a push sends new config only");
                sotw.get(i).send(DiscoveryRequest.newBuilder().setTypeUrl(CDS).setResponseNonce(r.getNonce()).setErrorDetail(nackReason()));
                sotw.get(i).send(EDS, List.of("outbound|8080||web.default.svc.cluster.local"), "", "");
                DeltaDiscoveryResponse d = nextOfType(delta.get(i), CDS);
                assertNotEquals(DeltaAdsClient.names(deltaFirst.get(i)), Set.of(), "the first answer named clusters");
                delta.get(i).nack(d, "rejected by the test");
                delta.get(i).subscribe(EDS, List.of("outbound|8080||web.default.svc.cluster.local"));
            }
            for (int i = 0; i < clients; i++) {
                assertEquals(EDS, nextSkipping(sotw.get(i), LDS).getTypeUrl(), "sotw client " + i + ": the second NACK was answered");
                assertEquals(EDS, nextSkipping(delta.get(i), LDS).getTypeUrl(), "delta client " + i + ": the second NACK was answered");
            }
            assertEquals(4.0 * clients, server.total(PilotMetrics.TOTAL_XDS_REJECTS), "every NACK counted");
            long withNack = server.discovery().syncStatus().stream()
                    .filter(s -> s.types().containsKey("CDS") && s.types().get("CDS").lastNack() != null).count();
            assertEquals(2L * clients, withNack, "/debug/syncz shows each client's NACK");
        } finally {
            Closeables.closeAll(sotw.toArray(AutoCloseable[]::new));
            Closeables.closeAll(delta.toArray(AutoCloseable[]::new));
        }
    }

    /** The next response of {@code type}, ACKing the listener pushes that may come first (a push covers every type). */
    private static DiscoveryResponse nextOfType(AdsClient client, String type) {
        while (true) {
            DiscoveryResponse r = client.next(WAIT);
            if (r.getTypeUrl().equals(type)) {
                return r;
            }
            assertEquals(LDS, r.getTypeUrl(), "only the listener push may come before the cluster push");
            client.ack(r, List.of());
        }
    }

    private static DeltaDiscoveryResponse nextOfType(DeltaAdsClient client, String type) {
        while (true) {
            DeltaDiscoveryResponse r = client.next(WAIT);
            if (r.getTypeUrl().equals(type)) {
                return r;
            }
            assertEquals(LDS, r.getTypeUrl(), "only the listener push may come before the cluster push");
            client.ack(r);
        }
    }

    private static DiscoveryResponse nextSkipping(AdsClient client, String skipped) {
        DiscoveryResponse r = client.next(WAIT);
        while (r.getTypeUrl().equals(skipped)) {
            client.ack(r, List.of());
            r = client.next(WAIT);
        }
        return r;
    }

    private static DeltaDiscoveryResponse nextSkipping(DeltaAdsClient client, String skipped) {
        DeltaDiscoveryResponse r = client.next(WAIT);
        while (r.getTypeUrl().equals(skipped)) {
            client.ack(r);
            r = client.next(WAIT);
        }
        return r;
    }

    /**
     * 2,000 clients connect (a TCP connection and a stream each), get their clusters and vanish without a goodbye,
     * after 200 to warm up. The server forgets each, and the heap (after a full collection) and thread count end
     * where they started, within bounds far below what one leaked connection per cycle would cost.
     */
    @Test
    void connectionChurnLeavesNothingBehind() {
        churn(200);
        long heapBefore = usedHeapAfterGc();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

        churn(2_000);

        long heapAfter = usedHeapAfterGc();
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        System.out.printf("connection churn: 2000 cycles, heap %d -> %d KiB (%+d KiB), threads %d -> %d%n",
                heapBefore / 1024, heapAfter / 1024, (heapAfter - heapBefore) / 1024, threadsBefore, threadsAfter);
        assertTrue(heapAfter - heapBefore < 16L * 1024 * 1024,
                "heap grew " + (heapAfter - heapBefore) / 1024 + " KiB over 2,000 connections");
        assertTrue(threadsAfter - threadsBefore <= 4, "threads " + threadsBefore + " -> " + threadsAfter);
    }

    private void churn(int cycles) {
        for (int i = 0; i < cycles; i++) {
            AdsClient client = new AdsClient(server.target(), "sidecar~10.4.0.1~churn-" + i + ".default~default.svc.cluster.local", Map.of());
            client.send(CDS, List.of(), "", "");
            assertEquals(CDS, client.next(WAIT).getTypeUrl());
            client.close();
        }
        Await.until(WAIT, "every churned connection to be forgotten", () -> server.discovery().syncStatus().isEmpty(),
                () -> server.discovery().syncStatus().stream().map(SyncStatus::connectionId).toList().toString());
    }

    private static long usedHeapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // A collection may leave floating garbage; the lowest of a few is the live heap.
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
