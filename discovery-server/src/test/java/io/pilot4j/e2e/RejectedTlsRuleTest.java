package io.pilot4j.e2e;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.pilot4j.cli.PilotDiscovery;
import io.pilot4j.monitoring.PilotMetrics;
import io.pilot4j.testing.AdsClient;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.RunningServer;
import io.pilot4j.testing.Scrape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A DestinationRule asking for ISTIO_MUTUAL, which pilot4j cannot honour before it has a CA, is rejected, not served
 * as plain text with its other settings: /debug/push_status names file, rule and field, {@code discovery validate}
 * fails on it, {@code pilot_total_rejected_configs} counts it, and the cluster keeps the last good rule's settings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RejectedTlsRuleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
    private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";

    private Path configDir;
    private RunningServer server;
    private AdsClient envoy;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        configDir = dir;
        Files.writeString(dir.resolve("reviews.yaml"), """
                apiVersion: v1
                kind: Service
                metadata: {name: reviews, namespace: default}
                spec:
                  clusterIP: 10.96.0.5
                  ports: [{name: http, port: 9080}]
                """);
        Files.writeString(dir.resolve("reviews-dr.yaml"), rule("{loadBalancer: {simple: RANDOM}}"));
        server = RunningServer.start(dir).awaitReady();
        envoy = new AdsClient(server.grpcTarget(), "sidecar~10.1.0.9~productpage-v1-abc.default~default.svc.cluster.local", Map.of());
    }

    @AfterAll
    void stop() {
        if (envoy != null) {
            envoy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String rule(String policy) {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: default}
                spec:
                  host: reviews
                  trafficPolicy: %s
                """.formatted(policy);
    }

    private double rejectedCount() {
        return Scrape.parse(server.getMonitoring("/metrics").body())
                .find(PilotMetrics.TOTAL_REJECTED_CONFIGS, "type", "destinationrule", "name", "default/reviews").orElse(0.0);
    }

    private Cluster reviews(DiscoveryResponse cds) throws Exception {
        for (var any : cds.getResourcesList()) {
            Cluster c = any.unpack(Cluster.class);
            if (c.getName().equals(REVIEWS)) {
                return c;
            }
        }
        throw new AssertionError(REVIEWS + " not sent");
    }

    @Test
    @Order(1)
    void theRuleIsServedWhileItCanBe() throws Exception {
        envoy.send(CDS, List.of(), "", "");
        DiscoveryResponse cds = envoy.next(WAIT);
        envoy.ack(cds, List.of());
        assertEquals(Cluster.LbPolicy.RANDOM, reviews(cds).getLbPolicy());
        assertEquals(0.0, rejectedCount());
    }

    @Test
    @Order(2)
    void istioMutualIsRejectedAndReportedNeverServedWithoutTls() throws Exception {
        Path file = configDir.resolve("reviews-dr.yaml");
        server.writeConfig("reviews-dr.yaml", rule("{loadBalancer: {simple: LEAST_REQUEST}, tls: {mode: ISTIO_MUTUAL}}"));

        Await.until(WAIT, "the rejection in /debug/push_status", () -> server.get("/debug/push_status").body()
                .contains("spec.trafficPolicy.tls.mode: ISTIO_MUTUAL is not supported yet"), () -> server.get("/debug/push_status").body());
        String status = server.get("/debug/push_status").body();
        assertTrue(status.contains("\"source\" : \"" + file + "\"") && status.contains("\"kind\" : \"DestinationRule\"")
                && status.contains("\"name\" : \"reviews\""), status);
        Await.until(WAIT, "pilot_total_rejected_configs to count it", () -> rejectedCount() == 1.0);

        envoy.send(CDS, List.of(), "", "");
        DiscoveryResponse cds = envoy.next(WAIT);
        Cluster cluster = reviews(cds);
        assertEquals(Cluster.LbPolicy.RANDOM, cluster.getLbPolicy(), "the last good rule stays, none of the rejected one is applied");
        assertTrue(!cluster.hasTransportSocket(), "no TLS of any kind was made up for it");

        StringWriter out = new StringWriter();
        var cli = PilotDiscovery.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(1, cli.execute("validate", file.toString()));
        assertTrue(out.toString().contains("DestinationRule default/reviews: spec.trafficPolicy.tls.mode: ISTIO_MUTUAL is not supported yet"),
                out.toString());
    }

    @Test
    @Order(3)
    void aFixedRuleAppliesAndARejectionIsCountedOnceEachTime() throws Exception {
        server.writeConfig("reviews-dr.yaml", rule("{loadBalancer: {simple: LEAST_REQUEST}}"));
        Await.until(WAIT, "push_status to be clean", () -> !server.get("/debug/push_status").body().contains("ISTIO_MUTUAL"));
        DiscoveryResponse cds = envoy.next(WAIT);
        assertEquals(Cluster.LbPolicy.LEAST_REQUEST, reviews(cds).getLbPolicy());
        assertEquals(1.0, rejectedCount(), "a counter: the earlier rejection stays counted");

        server.writeConfig("reviews-dr.yaml", rule("{tls: {mode: SIMPLE, credentialName: reviews-ca}}"));
        Await.until(WAIT, "the second rejection to be counted", () -> rejectedCount() == 2.0);
    }
}
