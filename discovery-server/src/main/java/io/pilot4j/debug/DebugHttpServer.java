package io.pilot4j.debug;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pilot4j.log.Scope;
import io.pilot4j.serviceregistry.ConfigStore;
import io.pilot4j.xds.DiscoveryServer;
import io.pilot4j.xds.GeneratedConfig;
import org.slf4j.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP listener (Istio's --httpAddr, :8080): /ready and the JSON debug endpoints under /debug/.
 * Uses the JDK's HTTP server: the traffic is a handful of operator requests, not worth a framework.
 */
public final class DebugHttpServer implements AutoCloseable {
    private static final Logger log = Scope.HTTP.logger();

    private final HttpServer http;
    private final ExecutorService executor;

    private DebugHttpServer(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /**
     * @param extra more debug views by name (e.g. "mesh"), each producing JSON
     */
    public static DebugHttpServer start(InetSocketAddress address, Readiness readiness, DiscoveryServer discovery,
                                        List<ConfigStore> stores, Map<String, Supplier<JsonNode>> extra, Clock clock) throws IOException {
        // fabric8 oneof fields (a VirtualService's StringMatch) are unwrapped interfaces without a type id to write.
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .disable(SerializationFeature.FAIL_ON_UNWRAPPED_TYPE_IDENTIFIERS);
        DebugViews views = new DebugViews(discovery, stores, mapper);
        Map<String, Supplier<JsonNode>> debug = new LinkedHashMap<>();
        debug.put("registryz", views::registryz);
        debug.put("endpointz", views::endpointz);
        debug.put("configz", views::configz);
        debug.put("syncz", views::syncz);
        debug.put("push_status", views::pushStatus);
        debug.putAll(extra);

        HttpServer http = HttpServer.create(address, 64);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/ready", ex -> handle(ex, () -> {
            Optional<String> reason = readiness.notReadyReason();
            return reason.map(r -> new Reply(503, "text/plain", "not ready: " + r + "\n"))
                    .orElseGet(() -> new Reply(200, "text/plain", "ready\n"));
        }));
        http.createContext("/debug/config_dump", ex -> handle(ex, () -> configDump(ex, discovery, clock)));
        for (Map.Entry<String, Supplier<JsonNode>> e : debug.entrySet()) {
            http.createContext("/debug/" + e.getKey(), ex -> handle(ex, () -> json(mapper, e.getValue().get())));
        }
        http.createContext("/debug", ex -> handle(ex, () -> {
            if (!ex.getRequestURI().getPath().replaceAll("/+$", "").equals("/debug")) {
                return new Reply(404, "text/plain", "no such debug endpoint: " + ex.getRequestURI().getPath()
                        + "; see /debug for the list\n");
            }
            var index = mapper.createObjectNode();
            for (String name : debug.keySet()) {
                index.put("/debug/" + name, "");
            }
            index.put("/debug/config_dump?proxyID=<pod.namespace|node id>", "");
            return json(mapper, index);
        }));
        http.start();
        return new DebugHttpServer(http, executor);
    }

    public InetSocketAddress boundAddress() {
        return http.getAddress();
    }

    private static Reply configDump(HttpExchange ex, DiscoveryServer discovery, Clock clock) {
        String proxyId = query(ex).get("proxyID");
        if (proxyId == null || proxyId.isEmpty()) {
            return new Reply(400, "text/plain", "want ?proxyID=<pod.namespace> or a full node id; connected proxies are listed at /debug/syncz\n");
        }
        Optional<GeneratedConfig> config = discovery.generatedConfig(proxyId);
        if (config.isEmpty()) {
            return new Reply(404, "text/plain", "proxy " + proxyId + " is not connected; see /debug/syncz\n");
        }
        return new Reply(200, "application/json", ConfigDumpRenderer.json(ConfigDumpRenderer.dump(config.get(), clock.instant())));
    }

    private static Reply json(ObjectMapper mapper, JsonNode node) {
        try {
            return new Reply(200, "application/json", mapper.writeValueAsString(node) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    private record Reply(int status, String contentType, String body) {
    }

    private static void handle(HttpExchange ex, Supplier<Reply> producer) throws IOException {
        Reply reply;
        try {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                reply = new Reply(405, "text/plain", "only GET\n");
            } else {
                reply = producer.get();
            }
        } catch (RuntimeException e) {
            log.error("{} failed", ex.getRequestURI(), e);
            reply = new Reply(500, "text/plain", "internal error: " + e + "\n");
        }
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", reply.contentType() + "; charset=utf-8");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(reply.status(), head ? -1 : body.length);
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
    }
}
