package io.pilot4j.monitoring;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pilot4j.http.HttpListener;
import io.pilot4j.http.HttpListener.Reply;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;

/**
 * The monitoring listener (istiod's --monitoringAddr, :15014): {@code /metrics} in Prometheus text format, Istio's
 * pilot metrics and the JVM's, from a registry of this server's own (several servers can share a JVM, as tests do).
 * Nothing else is served here: a scrape must stay cheap whatever the debug endpoints cost. It is answered on the
 * listener's own event loop, which no slow client can hold.
 */
public final class MonitoringServer implements AutoCloseable {
    private static final String METRICS_PATH = "/metrics";

    private final PrometheusMeterRegistry registry;
    private final RuntimeMetrics runtime;
    private final PilotMetrics pilot;
    private final HttpListener http;

    private MonitoringServer(PrometheusMeterRegistry registry, RuntimeMetrics runtime, HttpListener http) {
        this.registry = registry;
        this.runtime = runtime;
        this.pilot = new PilotMetrics(registry);
        this.http = http;
    }

    public static MonitoringServer start(InetSocketAddress address) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpListener http = HttpListener.start("monitoring", address, Map.of("/", request -> {
            if (!request.path().equals(METRICS_PATH)) {
                return Reply.text(404, "no such endpoint: " + request.path() + "; metrics are at " + METRICS_PATH + "\n");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
            try {
                IstioTextFormat.write(registry, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Reply(200, IstioTextFormat.CONTENT_TYPE, out.toByteArray());
        }), Set.of("/"), 0, HttpListener.Timeouts.DEFAULT);
        return new MonitoringServer(registry, RuntimeMetrics.bindTo(registry), http);
    }

    public PilotMetrics pilotMetrics() {
        return pilot;
    }

    public InetSocketAddress boundAddress() {
        return http.boundAddress();
    }

    @Override
    public void close() {
        http.close();
        runtime.close();
        registry.close();
    }
}
