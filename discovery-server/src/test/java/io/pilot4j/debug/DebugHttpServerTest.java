package io.pilot4j.debug;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.push.Environment;
import io.pilot4j.push.MeshHolder;
import io.pilot4j.xds.DiscoveryServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DebugHttpServerTest {
    private final AtomicReference<String> notReady = new AtomicReference<>("registries not synced: [File]");
    private DiscoveryServer discovery;
    private DebugHttpServer http;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws IOException {
        discovery = new DiscoveryServer(new Environment(MeshHolder.fixed(MeshConfig.defaults()), List.of(), Clock.systemUTC()),
                Duration.ofMillis(100), Duration.ofSeconds(10), Clock.systemUTC(), "test");
        http = DebugHttpServer.start(new InetSocketAddress("127.0.0.1", 0), () -> Optional.ofNullable(notReady.get()), discovery, List.of(),
                Map.of("mesh", () -> JsonNodeFactory.instance.objectNode().put("proxyListenPort", 15001)), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        http.close();
        discovery.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.boundAddress().getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyIs503WithTheReasonUntilReady() throws Exception {
        HttpResponse<String> r = get("/ready");
        assertEquals(503, r.statusCode());
        assertTrue(r.body().contains("registries not synced: [File]"), r.body());
        notReady.set(null);
        assertEquals(200, get("/ready").statusCode());
    }

    @Test
    void debugIndexListsEveryEndpoint() throws Exception {
        String body = get("/debug").body();
        for (String path : new String[] {"registryz", "endpointz", "configz", "syncz", "push_status", "mesh", "config_dump"}) {
            assertTrue(body.contains("/debug/" + path), path + " missing from " + body);
        }
        assertEquals(404, get("/debug/nope").statusCode());
    }

    @Test
    void extraViewsAreServed() throws Exception {
        assertTrue(get("/debug/mesh").body().contains("\"proxyListenPort\" : 15001"));
    }

    @Test
    void configDumpNeedsAConnectedProxy() throws Exception {
        HttpResponse<String> missing = get("/debug/config_dump");
        assertEquals(400, missing.statusCode());
        HttpResponse<String> unknown = get("/debug/config_dump?proxyID=nobody.default");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("nobody.default is not connected"), unknown.body());
    }

    @Test
    void onlyGet() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.boundAddress().getPort() + "/debug/syncz"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
    }
}
