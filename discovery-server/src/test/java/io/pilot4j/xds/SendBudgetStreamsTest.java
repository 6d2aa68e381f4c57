package io.pilot4j.xds;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.pilot4j.push.PushTuning;
import io.pilot4j.testing.AdsClient;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.MemoryRegistry;
import io.pilot4j.testing.XdsTestServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Clients connecting together get what they asked for even when the send budget lets one response out at a time,
 * and once they have read everything nothing stays counted against the budget.
 */
class SendBudgetStreamsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
    private static final String EDS = Resources.V3.ENDPOINT_TYPE_URL;
    private static final int SERVICES = 300;
    private static final int CLIENTS = 20;

    @Test
    void aBudgetOfOneByteServesEveryClientInTurn() throws Exception {
        MemoryRegistry registry = new MemoryRegistry();
        List<String> clusters = new ArrayList<>();
        for (int i = 0; i < SERVICES; i++) {
            registry.put(MemoryRegistry.http("service-" + i, "default", 8080, "10.96." + i / 250 + "." + (i % 250 + 1), "*"),
                    MemoryRegistry.endpoints("http-8080", 8080, "10.1.0.1", "10.1.0.2"));
            clusters.add("outbound|8080||service-" + i + ".default.svc.cluster.local");
        }
        PushTuning oneByte = new PushTuning(Duration.ofMillis(10), Duration.ofSeconds(1), 100, 10_000, 1);
        try (XdsTestServer server = XdsTestServer.start(registry, oneByte)) {
            List<AdsClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(new AdsClient(server.target(), "sidecar~10.1.1." + (i + 1) + "~app-" + i + ".default~default.svc.cluster.local",
                            Map.of()));
                }
                clients.forEach(c -> c.send(CDS, List.of(), "", ""));
                for (AdsClient c : clients) {
                    DiscoveryResponse cds = c.next(WAIT);
                    assertEquals(SERVICES + 3, cds.getResourcesCount(), "every cluster, plus BlackHole, Passthrough and InboundPassthrough");
                    c.ack(cds, List.of());
                    c.send(EDS, clusters, "", "");
                }
                for (AdsClient c : clients) {
                    assertEquals(SERVICES, c.next(WAIT).getResourcesCount());
                }
                SendBudget budget = server.discovery().sendBudget();
                Await.until(WAIT, "every sent byte taken by the clients and released", () -> budget.used() == 0);
                assertEquals(0, budget.parked());
            } finally {
                clients.forEach(AdsClient::close);
            }
        }
    }
}
