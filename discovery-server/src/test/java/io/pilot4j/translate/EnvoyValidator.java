package io.pilot4j.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.pilot4j.bootstrap.RuntimeLayers;
import io.pilot4j.model.PushContext;
import io.pilot4j.testing.EnvoyBinary;
import io.pilot4j.translate.listener.RouterFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real Envoy over generated resources: {@code envoy --mode validate} on a bootstrap whose
 * static_resources are what a proxy would receive over ADS. Envoy has no offline ADS, so the references are
 * inlined: each listener's RDS becomes its route_config, each EDS cluster a STATIC one with its EDS answer.
 *
 * <p>The binary is {@link EnvoyBinary}'s; without one, tests calling {@link #assumeAvailable()} are skipped with one
 * line saying so.
 */
public final class EnvoyValidator {
    private static final JsonFormat.Printer JSON = JsonFormat.printer().usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder()
            .add(PackedTypes.descriptors())
            .build());

    /** Envoy's verdict: exit code 0 and its output (warnings included, e.g. deprecated fields). */
    public record Result(boolean valid, String output) {
    }

    private final Path binary;

    private EnvoyValidator(Path binary) {
        this.binary = binary;
    }

    public static Optional<EnvoyValidator> find() {
        return EnvoyBinary.find().map(EnvoyValidator::new);
    }

    /** The validator, or skips the calling test with {@link EnvoyBinary}'s one line. */
    public static EnvoyValidator assumeAvailable() {
        return new EnvoyValidator(EnvoyBinary.assumeAvailable());
    }

    public Path binary() {
        return binary;
    }

    public Result validate(Bootstrap bootstrap) throws IOException, InterruptedException {
        Path config = Files.createTempFile("pilot4j-envoy-", ".json");
        try {
            Files.writeString(config, toJson(bootstrap));
            return run(List.of(binary.toString(), "--mode", "validate", "-c", config.toString(),
                    "--disable-hot-restart", "--log-level", "warn"));
        } finally {
            Files.deleteIfExists(config);
        }
    }

    /**
     * Validates a whole Envoy command line as a POSIX shell runs it (the one {@code discovery bootstrap} prints with
     * {@code --binaryPath} set to {@link #binary()}), so Envoy checks its flags as well as the bootstrap they name.
     */
    public Result validateCommand(String shellLine) throws IOException, InterruptedException {
        return run(List.of("sh", "-c", "exec " + shellLine + " --mode validate"));
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(false, "envoy did not finish within 60s\n" + output);
        }
        return new Result(p.exitValue() == 0, output);
    }

    public static String toJson(Bootstrap bootstrap) throws InvalidProtocolBufferException {
        return JSON.print(bootstrap);
    }

    /** Envoy needs a node to start; what it is does not change what is validated. */
    private static final Node VALIDATOR_NODE = Node.newBuilder().setId("sidecar~127.0.0.1~validator.default~default.svc.cluster.local")
            .setCluster("pilot4j-test").build();

    /** What an Envoy proxy would be sent for this snapshot (wildcard CDS and LDS), with RDS and EDS inlined. */
    public static Bootstrap staticBootstrap(ProxyView proxy, PushContext push) throws InvalidProtocolBufferException {
        Map<String, XdsGenerator> g = Generators.forView(proxy);
        Bootstrap.Builder b = Bootstrap.newBuilder().setNode(VALIDATOR_NODE).setLayeredRuntime(RuntimeLayers.istio());
        for (XdsResource r : g.get(Resources.V3.CLUSTER_TYPE_URL).generate(proxy, push, ResourceNames.all())) {
            b.getStaticResourcesBuilder().addClusters(withInlineEndpoints((Cluster) r.resource(), g, proxy, push));
        }
        for (XdsResource r : g.get(Resources.V3.LISTENER_TYPE_URL).generate(proxy, push, ResourceNames.all())) {
            b.getStaticResourcesBuilder().addListeners(withInlineRoutes((Listener) r.resource(), g, proxy, push));
        }
        return b.build();
    }

    /**
     * The proxyless gRPC resources reachable from {@code targets} (LDS names like "reviews:9080"), in a shape
     * Envoy can check: Envoy has no API listeners, so each route config sits in an ordinary listener on
     * 127.0.0.1, one port each. This validates the route configs and clusters, not gRPC's own rules.
     */
    public static Bootstrap grpcBootstrap(ProxyView proxy, PushContext push, List<String> targets) throws InvalidProtocolBufferException {
        Map<String, XdsGenerator> g = Generators.forView(proxy);
        Bootstrap.Builder b = Bootstrap.newBuilder().setNode(VALIDATOR_NODE).setLayeredRuntime(RuntimeLayers.istio());
        Set<String> routeNames = new TreeSet<>();
        for (XdsResource r : g.get(Resources.V3.LISTENER_TYPE_URL).generate(proxy, push, ResourceNames.of(targets))) {
            routeNames.add(((Listener) r.resource()).getApiListener().getApiListener()
                    .unpack(HttpConnectionManager.class).getRds().getRouteConfigName());
        }
        Set<String> clusterNames = new TreeSet<>();
        int port = 20000;
        for (XdsResource r : g.get(Resources.V3.ROUTE_TYPE_URL).generate(proxy, push, ResourceNames.of(routeNames))) {
            RouteConfiguration rc = (RouteConfiguration) r.resource();
            rc.getVirtualHostsList().forEach(vh -> vh.getRoutesList().forEach(route -> {
                clusterNames.add(route.getRoute().getCluster());
                route.getRoute().getWeightedClusters().getClustersList().forEach(c -> clusterNames.add(c.getName()));
            }));
            HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                    .setStatPrefix("grpc")
                    // Inline route configs check clusters by default; DNS services have no gRPC cluster by design.
                    .setRouteConfig(rc.toBuilder().setValidateClusters(BoolValue.of(false)))
                    // The gRPC client's chain (GrpcListenerGenerator): routes configure the fault filter.
                    .addHttpFilters(io.pilot4j.translate.listener.HttpFilters.fault())
                    .addHttpFilters(RouterFilter.get())
                    .build();
            b.getStaticResourcesBuilder().addListeners(Listener.newBuilder()
                    .setName(r.name())
                    .setAddress(Address.newBuilder().setSocketAddress(
                            SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(port++)))
                    .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                            .setName("envoy.filters.network.http_connection_manager")
                            .setTypedConfig(Any.pack(hcm)))));
        }
        for (XdsResource r : g.get(Resources.V3.CLUSTER_TYPE_URL).generate(proxy, push, ResourceNames.of(clusterNames))) {
            b.getStaticResourcesBuilder().addClusters(withInlineEndpoints((Cluster) r.resource(), g, proxy, push));
        }
        return b.build();
    }

    private static Cluster withInlineEndpoints(Cluster c, Map<String, XdsGenerator> g, ProxyView proxy, PushContext push) {
        if (c.getType() != Cluster.DiscoveryType.EDS) {
            return c;
        }
        List<XdsResource> eds = g.get(Resources.V3.ENDPOINT_TYPE_URL)
                .generate(proxy, push, ResourceNames.of(c.getEdsClusterConfig().getServiceName()));
        return c.toBuilder()
                .clearEdsClusterConfig()
                .setType(Cluster.DiscoveryType.STATIC)
                .setLoadAssignment((ClusterLoadAssignment) eds.get(0).resource())
                .build();
    }

    private static Listener withInlineRoutes(Listener l, Map<String, XdsGenerator> g, ProxyView proxy, PushContext push)
            throws InvalidProtocolBufferException {
        Listener.Builder out = l.toBuilder();
        for (FilterChain.Builder chain : out.getFilterChainsBuilderList()) {
            for (Filter.Builder f : chain.getFiltersBuilderList()) {
                if (f.getTypedConfig().is(HttpConnectionManager.class)) {
                    HttpConnectionManager hcm = f.getTypedConfig().unpack(HttpConnectionManager.class);
                    if (!hcm.hasRds()) {
                        continue; // inbound routes are inline already
                    }
                    List<XdsResource> rds = g.get(Resources.V3.ROUTE_TYPE_URL)
                            .generate(proxy, push, ResourceNames.of(hcm.getRds().getRouteConfigName()));
                    f.setTypedConfig(Any.pack(hcm.toBuilder()
                            .clearRds()
                            .setRouteConfig((RouteConfiguration) rds.get(0).resource())
                            .build()));
                }
            }
        }
        return out.build();
    }

    /** Prints the sample mesh's sidecar bootstrap, to run Envoy by hand: {@code envoy --mode validate -c FILE}. */
    public static void main(String[] args) throws Exception {
        System.out.println(toJson(staticBootstrap(Proxies.sidecar("default"), SampleMeshes.bookinfo().build())));
    }
}
