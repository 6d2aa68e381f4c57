package io.pilot4j.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Kind;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.TriggerReason;
import io.pilot4j.testing.Scrape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Istio's counters without _total, Istio's histograms without _max, everything else as Micrometer writes it. */
class IstioTextFormatTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PilotMetrics metrics = new PilotMetrics(registry);

    @AfterEach
    void close() {
        registry.close();
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IstioTextFormat.write(registry, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void istioCountersKeepIstiosNames() throws IOException {
        metrics.rejected("cds");
        metrics.rejected("cds");
        metrics.expiredNonce("eds");
        String text = scrape();
        assertTrue(text.contains("""
                # HELP pilot_total_xds_rejects Total number of XDS responses from pilot rejected by proxy.
                # TYPE pilot_total_xds_rejects counter
                pilot_total_xds_rejects{type="cds"} 2
                """), text);
        assertTrue(text.contains("""
                # TYPE pilot_xds_expired_nonce counter
                pilot_xds_expired_nonce{type="eds"} 1
                """), text);
        assertFalse(text.contains("_total{") || text.contains("_total "), text);
        assertEquals(2, metrics.rejects());
        assertEquals(1, metrics.expiredNonces());
    }

    @Test
    void otherCountersKeepMicrometersSuffix() throws IOException {
        Counter.builder("jvm_test_events").register(registry).increment(3);
        DistributionSummary.builder("jvm_test_sizes").register(registry).record(5);
        Scrape s = Scrape.parse(scrape());
        assertEquals("counter", s.type("jvm_test_events_total"));
        assertEquals(3, s.value("jvm_test_events_total"));
        assertEquals(5, s.value("jvm_test_sizes_max"), "only Istio's histograms lose their _max");
    }

    @Test
    void labelValuesAreEscaped() throws IOException {
        String odd = "a\"quoted\\slash\nnewline";
        metrics.rejected(odd);
        Scrape s = Scrape.parse(scrape());
        assertEquals(1, s.value("pilot_total_xds_rejects", "type", odd));
    }

    @Test
    void histogramsInSecondsWithoutMaxGauges() throws IOException {
        metrics.converged(Duration.ofMillis(300));
        metrics.converged(Duration.ofSeconds(4));
        metrics.debounced(Duration.ofMillis(150));
        metrics.sent("eds", "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment", 12_345, Duration.ofMillis(2));
        Scrape s = Scrape.parse(scrape());
        assertEquals(0, s.value("pilot_proxy_convergence_time_bucket", "le", "0.1"));
        assertEquals(1, s.value("pilot_proxy_convergence_time_bucket", "le", "0.5"));
        assertEquals(1, s.value("pilot_proxy_convergence_time_bucket", "le", "3.0"));
        assertEquals(2, s.value("pilot_proxy_convergence_time_bucket", "le", "5.0"));
        assertEquals(4.3, s.value("pilot_proxy_convergence_time_sum"), 1e-9);
        assertEquals(0.15, s.value("pilot_debounce_time_sum"), 1e-9);
        assertEquals(1, s.value("pilot_xds_push_time_bucket", "type", "eds", "le", "0.01"));
        assertEquals(12_345, s.value("pilot_xds_config_size_bytes_sum", "type", "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"));
        assertEquals(1, s.value("pilot_xds_pushes", "type", "eds"));
        for (String histogram : PilotMetrics.HISTOGRAMS) {
            assertEquals("histogram", s.type(histogram), histogram);
            assertFalse(s.hasFamily(histogram + "_max"), histogram + "_max");
        }
    }

    @Test
    void connectedProxiesByVersionStayAtZeroOnceGone() throws IOException {
        metrics.proxyConnected("1.24.0");
        metrics.proxyConnected("1.24.0");
        metrics.proxyConnected("");
        metrics.proxyDisconnected("1.24.0");
        Scrape s = Scrape.parse(scrape());
        assertEquals(1, s.value("pilot_xds", "version", "1.24.0"));
        assertEquals(1, s.value("pilot_xds", "version", ""));
        metrics.proxyDisconnected("1.24.0");
        assertEquals(0, Scrape.parse(scrape()).value("pilot_xds", "version", "1.24.0"));
    }

    @Test
    void pushTriggersAddEveryMergedReason() throws IOException {
        metrics.pushTriggers(Map.of(TriggerReason.ENDPOINT, 3, TriggerReason.CONFIG, 1));
        metrics.pushTriggers(Map.of());
        Scrape s = Scrape.parse(scrape());
        assertEquals(3, s.value("pilot_push_triggers", "type", "endpoint"));
        assertEquals(1, s.value("pilot_push_triggers", "type", "config"));
        assertEquals(1, s.value("pilot_push_triggers", "type", "unknown"), "a request without a reason is Istio's unknown");
    }

    @Test
    void inboundUpdatesCountTheRequestAndItsServicesAndEndpoints() throws IOException {
        Instant now = Instant.now();
        metrics.inboundUpdate(PushRequest.full(TriggerReason.SERVICE, Set.of(
                new ConfigKey(Kind.SERVICE, "default", "reviews"), new ConfigKey(Kind.SERVICE_ENTRY, "default", "api"),
                new ConfigKey(Kind.ENDPOINT_SLICE, "default", "reviews-abc"), new ConfigKey(Kind.DESTINATION_RULE, "default", "reviews")), now));
        metrics.inboundUpdate(PushRequest.endpoints(Set.of(new ConfigKey(Kind.ENDPOINTS, "default", "ratings")), Set.of("ratings.default.svc.cluster.local"), now));
        Scrape s = Scrape.parse(scrape());
        assertEquals(2, s.value("pilot_inbound_updates", "type", "config"));
        assertEquals(2, s.value("pilot_inbound_updates", "type", "svc"));
        assertEquals(2, s.value("pilot_inbound_updates", "type", "eds"));
    }
}
