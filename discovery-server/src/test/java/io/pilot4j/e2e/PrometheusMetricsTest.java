package io.pilot4j.e2e;

import com.google.protobuf.Any;
import com.google.rpc.Status;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
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

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /metrics on the monitoring port of a running server, scraped as Prometheus scrapes it, while one Envoy-like ADS
 * client goes through a known sequence: connect, CDS and EDS, a NACK, an endpoint change pushed to it, a stale nonce,
 * disconnect. Each step checks Istio's series by name, type and labels, with the values the step must leave.
 * The steps share the server and the stream and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
    private static final String EDS = Resources.V3.ENDPOINT_TYPE_URL;
    private static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";
    private static final String VERSION = "1.24.0";
    /** PILOT_DEBOUNCE_AFTER's default, the least a debounced change waits. */
    private static final double DEBOUNCE_AFTER_SECONDS = 0.1;

    private RunningServer server;
    private AdsClient envoy;
    private DiscoveryResponse firstCds;
    private DiscoveryResponse firstEds;

    @BeforeAll
    void start(@TempDir Path configDir) throws Exception {
        // Written before start, so the first snapshot holds it and nothing is pushed until the test changes something.
        Files.writeString(configDir.resolve("reviews.yaml"), reviews("10.1.0.1"));
        server = RunningServer.start(configDir).awaitReady();
        envoy = new AdsClient(server.grpcTarget(), "sidecar~10.1.0.9~productpage-v1-abc.default~default.svc.cluster.local",
                Map.of("ISTIO_VERSION", VERSION));
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

    @Test
    @Order(1)
    void beforeAnyProxyIstiosFamiliesAndTheJvmsAreServed() {
        HttpResponse<String> response = server.getMonitoring("/metrics");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        Scrape s = Scrape.parse(response.body());

        assertEquals(1, s.value("pilot_services"));
        assertEquals("gauge", s.type("pilot_services"));
        assertEquals(List.of(), s.series("pilot_xds"), "no proxy has connected yet");
        assertEquals(0, s.value("pilot_proxy_convergence_time_count"));
        assertEquals(0, s.value("pilot_debounce_time_count"));
        // Istio's bucket boundaries, in seconds.
        assertEquals(Set.of(.1, .5, 1.0, 3.0, 5.0, 10.0, 20.0, 30.0, Double.POSITIVE_INFINITY), buckets(s, "pilot_proxy_convergence_time"));
        assertEquals(Set.of(.01, .1, 1.0, 3.0, 5.0, 10.0, 20.0, 30.0, Double.POSITIVE_INFINITY), buckets(s, "pilot_debounce_time"));

        // The JVM's own series, under Micrometer's standard names: gauges, and counters with their _total.
        assertEquals("gauge", s.type("jvm_memory_used_bytes"));
        assertTrue(s.value("jvm_threads_live_threads") > 0);
        assertTrue(s.hasFamily("process_cpu_usage") && s.hasFamily("process_uptime_seconds"), "process metrics");
        assertEquals("counter", s.type("jvm_classes_unloaded_classes_total"));

        assertEquals(404, server.getMonitoring("/debug/syncz").statusCode(), "only /metrics is served on the monitoring port");
    }

    @Test
    @Order(2)
    void aConnectedProxyAndItsFirstResponses() throws Exception {
        envoy.send(CDS, List.of(), "", "");
        firstCds = expect(CDS);
        envoy.ack(firstCds, List.of());
        envoy.send(EDS, List.of(REVIEWS), "", "");
        firstEds = expect(EDS);
        envoy.ack(firstEds, List.of(REVIEWS));

        // Recorded just after each response is handed to gRPC: wait for the last one.
        Scrape s = awaitScrape("pilot_xds_pushes{type=eds} = 1", m -> m.find("pilot_xds_pushes", "type", "eds").orElse(0.0) == 1);
        assertEquals(1, s.value("pilot_xds", "version", VERSION));
        assertEquals(1, s.value("pilot_xds_pushes", "type", "cds"));
        assertEquals(1, s.value("pilot_xds_push_time_count", "type", "cds"));
        assertEquals(1, s.value("pilot_xds_push_time_count", "type", "eds"));
        // Labelled with the full type URL, as Istio labels it, and measured as the resources' bytes.
        assertEquals(1, s.value("pilot_xds_config_size_bytes_count", "type", CDS));
        assertEquals(resourceBytes(firstCds), s.value("pilot_xds_config_size_bytes_sum", "type", CDS));
        assertEquals(resourceBytes(firstEds), s.value("pilot_xds_config_size_bytes_sum", "type", EDS));
        assertEquals(Set.of(1.0, 1e4, 1e6, 4e6, 1e7, 4e7, Double.POSITIVE_INFINITY), buckets(s, "pilot_xds_config_size_bytes", "type", CDS));
        assertEquals(Set.of(.01, .1, 1.0, 3.0, 5.0, 10.0, 20.0, 30.0, Double.POSITIVE_INFINITY), buckets(s, "pilot_xds_push_time", "type", "cds"));
        assertEquals(0, s.value("pilot_proxy_convergence_time_count"), "answers to requests are not pushes");
    }

    @Test
    @Order(3)
    void aNackCountsAsARejectOfItsType() {
        envoy.send(DiscoveryRequest.newBuilder().setTypeUrl(CDS).setVersionInfo("").setResponseNonce(firstCds.getNonce())
                .setErrorDetail(Status.newBuilder().setCode(3).setMessage("test: cluster rejected")));
        Scrape s = awaitScrape("pilot_total_xds_rejects{type=cds} = 1", m -> m.find("pilot_total_xds_rejects", "type", "cds").orElse(0.0) == 1);
        assertEquals(List.of(new Scrape.Series("pilot_total_xds_rejects", Map.of("type", "cds"))), s.series("pilot_total_xds_rejects"));
        assertEquals(1, s.value("pilot_xds_pushes", "type", "cds"), "a NACK is not answered");
        assertTrue(server.get("/debug/push_status").body().contains("\"pilot_total_xds_rejects\" : 1"), "push_status reads the same count");
    }

    @Test
    @Order(4)
    void anEndpointChangeIsDebouncedPushedAndConverges() throws Exception {
        server.writeConfig("reviews.yaml", reviews("10.1.0.2"));
        DiscoveryResponse pushed = expect(EDS);
        assertEquals(Set.of("10.1.0.2"), addresses(pushed));
        envoy.ack(pushed, List.of(REVIEWS));

        Scrape s = awaitScrape("the push to be recorded", m -> m.find("pilot_proxy_convergence_time_count").orElse(0.0) == 1
                && m.find("pilot_xds_pushes", "type", "eds").orElse(0.0) == 2 && m.find("pilot_debounce_time_count").orElse(0.0) == 1);
        // One registry event with one changed EndpointSlice: config counts the update, eds its endpoints.
        assertEquals(1, s.value("pilot_inbound_updates", "type", "config"));
        assertEquals(1, s.value("pilot_inbound_updates", "type", "eds"));
        assertFalse(s.find("pilot_inbound_updates", "type", "svc").isPresent(), "no service changed");
        // One push with one endpoint reason, to one proxy.
        assertEquals(List.of(new Scrape.Series("pilot_push_triggers", Map.of("type", "endpoint"))), s.series("pilot_push_triggers"));
        assertEquals(1, s.value("pilot_push_triggers", "type", "endpoint"));
        // The push waited out the quiet period, and reached the proxy no sooner.
        assertTrue(s.value("pilot_debounce_time_sum") >= DEBOUNCE_AFTER_SECONDS, s.text());
        assertTrue(s.value("pilot_proxy_convergence_time_sum") >= DEBOUNCE_AFTER_SECONDS, s.text());
        assertEquals(1, s.value("pilot_proxy_convergence_time_bucket", "le", "+Inf"));
        // Endpoints only: EDS was pushed, CDS was not.
        assertEquals(2, s.value("pilot_xds_push_time_count", "type", "eds"));
        assertEquals(1, s.value("pilot_xds_pushes", "type", "cds"));
    }

    @Test
    @Order(5)
    void aRequestWithASupersededNonceIsAnExpiredNonce() {
        envoy.send(EDS, List.of(REVIEWS), firstEds.getVersionInfo(), firstEds.getNonce());
        Scrape s = awaitScrape("pilot_xds_expired_nonce{type=eds} = 1", m -> m.find("pilot_xds_expired_nonce", "type", "eds").orElse(0.0) == 1);
        assertEquals(2, s.value("pilot_xds_pushes", "type", "eds"), "a stale request is not answered");
        assertEquals(1, s.value("pilot_total_xds_rejects", "type", "cds"), "nor is it a NACK");
    }

    @Test
    @Order(6)
    void seriesHaveIstiosNamesAndTypes() {
        Scrape s = Scrape.parse(server.getMonitoring("/metrics").body());
        for (String counter : List.of("pilot_xds_pushes", "pilot_push_triggers", "pilot_total_xds_rejects", "pilot_xds_expired_nonce",
                "pilot_inbound_updates")) {
            assertEquals("counter", s.type(counter), counter);
        }
        for (String gauge : List.of("pilot_xds", "pilot_services")) {
            assertEquals("gauge", s.type(gauge), gauge);
        }
        for (String histogram : List.of("pilot_proxy_convergence_time", "pilot_debounce_time", "pilot_xds_push_time",
                "pilot_xds_config_size_bytes")) {
            assertEquals("histogram", s.type(histogram), histogram);
        }
        // Istio's exporter adds neither _total to counters nor unit suffixes, and has no _max gauges.
        assertFalse(s.text().matches("(?s).*\\bpilot_\\w*(_total|_seconds|_max)\\b.*"), s.text());
    }

    @Test
    @Order(7)
    void aDisconnectedProxyLeavesTheGaugeAtZero() {
        envoy.close();
        envoy = null;
        awaitScrape("pilot_xds{version=" + VERSION + "} = 0", m -> m.find("pilot_xds", "version", VERSION).orElse(-1.0) == 0);
    }

    private Scrape awaitScrape(String what, Predicate<Scrape> condition) {
        AtomicReference<Scrape> last = new AtomicReference<>();
        Await.until(WAIT, what, () -> {
            last.set(Scrape.parse(server.getMonitoring("/metrics").body()));
            return condition.test(last.get());
        }, () -> last.get() == null ? "no scrape" : last.get().text());
        return last.get();
    }

    private DiscoveryResponse expect(String typeUrl) {
        DiscoveryResponse r = envoy.next(WAIT);
        assertEquals(typeUrl, r.getTypeUrl(), "next response");
        return r;
    }

    private static double resourceBytes(DiscoveryResponse response) {
        return response.getResourcesList().stream().mapToInt(a -> a.getValue().size()).sum();
    }

    /** The {@code le} bounds of one histogram series (the one with these other labels). */
    private static Set<Double> buckets(Scrape s, String histogram, String... labelPairs) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            want.put(labelPairs[i], labelPairs[i + 1]);
        }
        Set<Double> out = new TreeSet<>();
        for (Scrape.Series series : s.series(histogram + "_bucket")) {
            Map<String, String> others = new TreeMap<>(series.labels());
            String le = others.remove("le");
            if (others.equals(want)) {
                out.add(Double.parseDouble(le.replace("+Inf", "Infinity")));
            }
        }
        return out;
    }

    private static Set<String> addresses(DiscoveryResponse eds) throws Exception {
        Set<String> out = new TreeSet<>();
        for (Any a : eds.getResourcesList()) {
            ClusterLoadAssignment cla = a.unpack(ClusterLoadAssignment.class);
            if (cla.getClusterName().equals(REVIEWS)) {
                cla.getEndpointsList().forEach(l -> l.getLbEndpointsList().forEach(
                        e -> out.add(e.getEndpoint().getAddress().getSocketAddress().getAddress())));
            }
        }
        return out;
    }

    private static String reviews(String ip) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: reviews, namespace: default}
                spec:
                  clusterIP: 10.96.0.10
                  ports:
                  - {name: http, port: 9080, targetPort: 9080}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: reviews-abc
                  namespace: default
                  labels: {kubernetes.io/service-name: reviews}
                addressType: IPv4
                ports:
                - {name: http, port: 9080, protocol: TCP}
                endpoints:
                - addresses: [%s]
                  conditions: {ready: true}
                """.formatted(ip);
    }
}
