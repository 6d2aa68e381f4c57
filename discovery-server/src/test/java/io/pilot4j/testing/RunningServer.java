package io.pilot4j.testing;

import io.pilot4j.server.PilotArgs;
import io.pilot4j.server.Server;
import io.pilot4j.server.StartupException;
import io.pilot4j.serviceregistry.kube.ClusterSource;
import io.pilot4j.serviceregistry.kube.KubeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;

/** The real discovery server, in-process on ephemeral loopback ports, over a config directory the test writes. */
public final class RunningServer implements AutoCloseable {
    private final Server server;
    private final PilotArgs args;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RunningServer(Server server, PilotArgs args) {
        this.server = server;
        this.args = args;
    }

    /** Starts with Istio's default mesh config (the default mesh path does not exist in the test's working dir). */
    public static RunningServer start(Path configDir) throws StartupException {
        return start(configDir, Path.of("target/no-such-mesh-config"), false);
    }

    public static RunningServer start(Path configDir, Path meshConfig, boolean meshExplicit) throws StartupException {
        return start(configDir, null, meshConfig, meshExplicit);
    }

    /**
     * With a Kubernetes registry reading the cluster a kubeconfig names (and, if {@code configDir} is not null, a
     * file registry too). Returns before the registry has synced: see {@link #awaitReady()}. Retries and CRD checks
     * are fast, so outages and late CRDs play out in test time.
     */
    public static RunningServer start(Path configDir, Path kubeconfig, Path meshConfig, boolean meshExplicit) throws StartupException {
        KubeOptions kube = kubeconfig == null ? null
                : new KubeOptions(ClusterSource.kubeconfig(kubeconfig), "cluster.local", Duration.ofMillis(100), Duration.ofMillis(300));
        PilotArgs args = new PilotArgs(
                new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0),
                meshConfig, meshExplicit, configDir, kube, "cluster.local",
                PilotArgs.DEFAULT_DEBOUNCE_AFTER, PilotArgs.DEFAULT_DEBOUNCE_MAX);
        return new RunningServer(Server.start(args, Clock.systemUTC()), args);
    }

    /**
     * With ADS on {@code grpcHost} (an ephemeral port) instead of loopback: the address of a bridge, for proxies in
     * network namespaces, whose loopback is their own. HTTP and monitoring stay on 127.0.0.1, where {@link #get},
     * {@link #awaitReady()} and {@link #getMonitoring} look for them; the gRPC address is {@code server().grpcAddress()}.
     */
    public static RunningServer startOn(String grpcHost, Path configDir) throws StartupException {
        PilotArgs args = new PilotArgs(
                new InetSocketAddress(grpcHost, 0),
                new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0),
                Path.of("target/no-such-mesh-config"), false, configDir, null, "cluster.local",
                PilotArgs.DEFAULT_DEBOUNCE_AFTER, PilotArgs.DEFAULT_DEBOUNCE_MAX);
        return new RunningServer(Server.start(args, Clock.systemUTC()), args);
    }

    public static RunningServer startWithKubeconfig(Path kubeconfig) throws StartupException {
        return start(null, kubeconfig, Path.of("target/no-such-mesh-config"), false);
    }

    /**
     * Stops this server and starts another on the same ports over the same files: what a control plane restart looks
     * like to its clients, which reconnect to the address they know.
     */
    public RunningServer restart() throws StartupException {
        PilotArgs same = new PilotArgs(server.grpcAddress(), server.httpAddress(), server.monitoringAddress(), args.meshConfig(),
                args.meshConfigExplicit(), args.configDir(), args.kube(), args.domain(), args.debounceAfter(), args.debounceMax(),
                args.pushThrottle(), args.maxRequestsPerSecond(), args.maxServerConnectionAge());
        close();
        return new RunningServer(Server.start(same, Clock.systemUTC()), same);
    }

    /** Waits until /ready says 200. */
    public RunningServer awaitReady() {
        Await.until(Duration.ofSeconds(30), "/ready to turn 200", () -> get("/ready").statusCode() == 200, () -> get("/ready").body());
        return this;
    }

    public Server server() {
        return server;
    }

    public int grpcPort() {
        return server.grpcAddress().getPort();
    }

    public String grpcTarget() {
        return "127.0.0.1:" + grpcPort();
    }

    /** GET on the HTTP listener; returns status and body. */
    public HttpResponse<String> get(String path) {
        return get(server.httpAddress().getPort(), path);
    }

    /** GET on the monitoring listener, e.g. {@code /metrics}. */
    public HttpResponse<String> getMonitoring(String path) {
        return get(server.monitoringAddress().getPort(), path);
    }

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Replaces a file in the config directory, as {@link #replace} does. */
    public void writeConfig(String name, String content) {
        replace(args.configDir().resolve(name), content);
    }

    /** Replaces the mesh config file the server was started with; the server watches it. */
    public void writeMeshConfig(String content) {
        replace(args.meshConfig(), content);
    }

    /**
     * Replaces a file the way editors do: write a temporary file, then rename it over the old one, so a watcher
     * never reads half a file.
     */
    public static void replace(Path target, String content) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".tmp-", ".part");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
