package io.pilot4j.debug;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pilot4j.http.HttpListener;
import io.pilot4j.http.HttpListener.Reply;
import io.pilot4j.serviceregistry.ConfigStore;
import io.pilot4j.xds.DiscoveryServer;
import io.pilot4j.xds.GeneratedConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The HTTP listener (Istio's --httpAddr, :8080): /ready and the JSON debug endpoints under /debug/. /ready is answered
 * on the listener's event loop; the debug views, which render the whole mesh, on two workers of their own, so that
 * no number of slow clients or heavy debug requests keeps the kubelet's readiness probe waiting.
 */
public final class DebugHttpServer implements AutoCloseable {
    /** Debug views rendered at once; more wait (up to a bound), and /ready never does. */
    private static final int DEBUG_WORKERS = 2;

    private final HttpListener http;

    private DebugHttpServer(HttpListener http) {
        this.http = http;
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

        Map<String, HttpListener.Handler> routes = new LinkedHashMap<>();
        routes.put("/ready", request -> readiness.notReadyReason()
                .map(r -> Reply.text(503, "not ready: " + r + "\n"))
                .orElseGet(() -> Reply.text(200, readyBody(readiness.degraded()))));
        routes.put("/debug/config_dump", request -> configDump(request.query().get("proxyID"), discovery, clock));
        for (Map.Entry<String, Supplier<JsonNode>> e : debug.entrySet()) {
            routes.put("/debug/" + e.getKey(), request -> json(mapper, e.getValue().get()));
        }
        routes.put("/debug", request -> {
            if (!request.path().replaceAll("/+$", "").equals("/debug")) {
                return Reply.text(404, "no such debug endpoint: " + request.path() + "; see /debug for the list\n");
            }
            var index = mapper.createObjectNode();
            for (String name : debug.keySet()) {
                index.put("/debug/" + name, "");
            }
            index.put("/debug/config_dump?proxyID=<pod.namespace|node id>", "");
            return json(mapper, index);
        });
        return new DebugHttpServer(HttpListener.start("http", address, routes, Set.of("/ready"), DEBUG_WORKERS,
                HttpListener.Timeouts.DEFAULT));
    }

    public InetSocketAddress boundAddress() {
        return http.boundAddress();
    }

    private static Reply configDump(String proxyId, DiscoveryServer discovery, Clock clock) {
        if (proxyId == null || proxyId.isEmpty()) {
            return Reply.text(400, "want ?proxyID=<pod.namespace> or a full node id; connected proxies are listed at /debug/syncz\n");
        }
        Optional<GeneratedConfig> config = discovery.generatedConfig(proxyId);
        if (config.isEmpty()) {
            return Reply.text(404, "proxy " + proxyId + " is not connected; see /debug/syncz\n");
        }
        return jsonReply(ConfigDumpRenderer.json(ConfigDumpRenderer.dump(config.get(), clock.instant())));
    }

    private static Reply json(ObjectMapper mapper, JsonNode node) {
        try {
            return jsonReply(mapper.writeValueAsString(node) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Reply jsonReply(String body) {
        return new Reply(200, "application/json; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        http.close();
    }

    /** "ready", and one "degraded: ..." line per thing served from a state no watch keeps current. */
    private static String readyBody(List<String> degraded) {
        StringBuilder body = new StringBuilder("ready\n");
        for (String d : degraded) {
            body.append("degraded: ").append(d).append('\n');
        }
        return body.toString();
    }
}
