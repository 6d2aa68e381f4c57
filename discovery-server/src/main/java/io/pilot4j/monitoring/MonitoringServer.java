package io.pilot4j.monitoring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pilot4j.log.Scope;
import org.slf4j.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The monitoring listener (istiod's --monitoringAddr, :15014): {@code /metrics} in Prometheus text format, Istio's
 * pilot metrics and the JVM's, from a registry of this server's own (several servers can share a JVM, as tests do).
 * Nothing else is served here: a scrape must stay cheap whatever the debug endpoints cost.
 */
public final class MonitoringServer implements AutoCloseable {
    private static final Logger log = Scope.HTTP.logger();
    private static final String METRICS_PATH = "/metrics";

    private final PrometheusMeterRegistry registry;
    private final RuntimeMetrics runtime;
    private final PilotMetrics pilot;
    private final HttpServer http;
    private final ExecutorService executor;

    private MonitoringServer(PrometheusMeterRegistry registry, RuntimeMetrics runtime, HttpServer http, ExecutorService executor) {
        this.registry = registry;
        this.runtime = runtime;
        this.pilot = new PilotMetrics(registry);
        this.http = http;
        this.executor = executor;
    }

    public static MonitoringServer start(InetSocketAddress address) throws IOException {
        HttpServer http = HttpServer.create(address, 64);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "monitoring");
            t.setDaemon(true);
            return t;
        });
        MonitoringServer server = new MonitoringServer(registry, RuntimeMetrics.bindTo(registry), http, executor);
        http.setExecutor(executor);
        http.createContext("/", server::handle);
        http.start();
        return server;
    }

    public PilotMetrics pilotMetrics() {
        return pilot;
    }

    public InetSocketAddress boundAddress() {
        return http.getAddress();
    }

    private void handle(HttpExchange ex) throws IOException {
        int status;
        String contentType;
        byte[] body;
        try {
            if (!ex.getRequestURI().getPath().equals(METRICS_PATH)) {
                status = 404;
                contentType = "text/plain; charset=utf-8";
                body = ("no such endpoint: " + ex.getRequestURI().getPath() + "; metrics are at " + METRICS_PATH + "\n")
                        .getBytes(StandardCharsets.UTF_8);
            } else if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                status = 405;
                contentType = "text/plain; charset=utf-8";
                body = "only GET\n".getBytes(StandardCharsets.UTF_8);
            } else {
                ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
                IstioTextFormat.write(registry, out);
                status = 200;
                contentType = IstioTextFormat.CONTENT_TYPE;
                body = out.toByteArray();
            }
        } catch (RuntimeException e) {
            log.error("{} failed", ex.getRequestURI(), e);
            status = 500;
            contentType = "text/plain; charset=utf-8";
            body = ("internal error: " + e + "\n").getBytes(StandardCharsets.UTF_8);
        }
        ex.getResponseHeaders().set("Content-Type", contentType);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
        runtime.close();
        registry.close();
    }
}
