package io.pilot4j.cli;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.pilot4j.translate.EnvoyValidator;
import io.pilot4j.translate.PackedTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code discovery bootstrap} as a user runs it: what it prints parses into Envoy's Bootstrap proto with the
 * values of the flags and the mesh config, and Envoy itself accepts the printed command line and bootstrap.
 */
class BootstrapCommandTest {
    private static final JsonFormat.Parser PARSER = JsonFormat.parser()
            .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(PackedTypes.descriptors()).build());

    /** Istio's mesh defaults, the way pilot-agent would get them from a ConfigMap that sets defaultConfig. */
    private static final String MESH = """
            defaultConfig:
              drainDuration: 20s
              parentShutdownDuration: 30s
              concurrency: 4
              proxyAdminPort: 15500
              discoveryAddress: pilot.example.internal:15010
              serviceCluster: reviews-cluster
              statNameLength: 100
              proxyMetadata:
                ISTIO_META_DNS_CAPTURE: "true"
                ISTIO_META_INTERCEPTION_MODE: REDIRECT
                OTHER_VARIABLE: not-metadata
            """;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        var cli = PilotDiscovery.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("bootstrap"));
        all.addAll(List.of(args));
        return cli.execute(all.toArray(String[]::new));
    }

    private static Bootstrap parse(String json) throws IOException {
        Bootstrap.Builder b = Bootstrap.newBuilder();
        PARSER.merge(json, b); // rejects unknown fields: the output must be exactly Envoy's schema
        return b.build();
    }

    private static Map<String, String> strings(Struct metadata) {
        Map<String, String> out = new TreeMap<>();
        metadata.getFieldsMap().forEach((k, v) -> {
            if (v.hasStringValue()) {
                out.put(k, v.getStringValue());
            }
        });
        return out;
    }

    /** The metadata a local run adds for a user who cannot bind ports below 1024. */
    private static Map<String, String> withPrivilegeHint(Map<String, String> metadata) {
        Map<String, String> out = new TreeMap<>(metadata);
        if (!PrivilegedPorts.bindable()) {
            out.put("UNPRIVILEGED_POD", "true");
        }
        return out;
    }

    private static SocketAddress xdsServer(Cluster c) {
        return c.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress();
    }

    @Test
    void theLocalityLabelBecomesTheNodesLocality(@TempDir Path dir) throws Exception {
        assertEquals(0, run("--id", "productpage-v1.default", "--labels", "app=productpage,topology.istio.io/locality=us-east.zone-a",
                "--meshConfig", Files.writeString(dir.resolve("mesh.yaml"), "{}").toString()), err.toString());

        Bootstrap b = parse(out.toString());
        assertEquals(io.envoyproxy.envoy.config.core.v3.Locality.newBuilder().setRegion("us-east").setZone("zone-a").build(),
                b.getNode().getLocality(), "pilot-agent's node locality, dots read as slashes");
        assertEquals(Struct.newBuilder().putFields("app", Value.newBuilder().setStringValue("productpage").build())
                        .putFields("topology.istio.io/locality", Value.newBuilder().setStringValue("us-east.zone-a").build()).build(),
                b.getNode().getMetadata().getFieldsOrThrow("LABELS").getStructValue(), "the labels as given");
    }

    @Test
    void printsIstioShapedBootstrapOnStdoutAndTheEnvoyCommandOnStderr(@TempDir Path dir) throws Exception {
        assertEquals(0, run("--id", "productpage-v1.default", "--labels", "app=productpage,version=v1",
                "--meshConfig", Files.writeString(dir.resolve("mesh.yaml"), "{}").toString()), err.toString());

        Bootstrap b = parse(out.toString());
        assertEquals("sidecar~127.0.0.1~productpage-v1.default~default.svc.cluster.local", b.getNode().getId());
        assertEquals("productpage.default", b.getNode().getCluster(), "Istio's app.namespace service cluster");
        assertEquals(withPrivilegeHint(Map.of("NAMESPACE", "default", "INSTANCE_IPS", "127.0.0.1", "INTERCEPTION_MODE", "NONE")),
                strings(b.getNode().getMetadata()));
        assertEquals(Struct.newBuilder().putFields("app", Value.newBuilder().setStringValue("productpage").build())
                        .putFields("version", Value.newBuilder().setStringValue("v1").build()).build(),
                b.getNode().getMetadata().getFieldsOrThrow("LABELS").getStructValue());
        assertEquals(SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(15000).build(),
                b.getAdmin().getAddress().getSocketAddress());

        ConfigSource ads = b.getDynamicResources().getLdsConfig();
        assertTrue(ads.hasAds() && ads.getInitialFetchTimeout().equals(Durations.ZERO), ads.toString());
        assertEquals(ads, b.getDynamicResources().getCdsConfig());
        ApiConfigSource adsConfig = b.getDynamicResources().getAdsConfig();
        assertEquals(ApiConfigSource.ApiType.DELTA_GRPC, adsConfig.getApiType(), "delta ADS, Istio's default since 1.22");
        assertTrue(adsConfig.getSetNodeOnFirstMessageOnly());
        assertEquals("xds-grpc", adsConfig.getGrpcServices(0).getEnvoyGrpc().getClusterName());

        assertEquals(1, b.getStaticResources().getClustersCount());
        Cluster xds = b.getStaticResources().getClusters(0);
        assertEquals("xds-grpc", xds.getName());
        assertEquals(Cluster.DiscoveryType.STATIC, xds.getType());
        assertEquals(SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(15010).build(), xdsServer(xds));
        assertEquals(Durations.fromSeconds(1), xds.getConnectTimeout());
        assertEquals(List.of(RoutingPriority.DEFAULT, RoutingPriority.HIGH),
                xds.getCircuitBreakers().getThresholdsList().stream().map(t -> t.getPriority()).toList());
        assertEquals(100_000, xds.getCircuitBreakers().getThresholds(1).getMaxRequests().getValue());
        assertEquals(300, xds.getUpstreamConnectionOptions().getTcpKeepalive().getKeepaliveTime().getValue());
        HttpProtocolOptions http = xds.getTypedExtensionProtocolOptionsOrThrow("envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
                .unpack(HttpProtocolOptions.class);
        assertTrue(http.getExplicitHttpConfig().hasHttp2ProtocolOptions(), "gRPC needs HTTP/2 upstream");

        assertEquals("# Envoy command, with the bootstrap above saved as envoy-rev.json:\n"
                + "envoy -c envoy-rev.json --drain-time-s 45 --drain-strategy immediate --parent-shutdown-time-s 60 "
                + "--service-cluster productpage.default "
                + "--service-node sidecar~127.0.0.1~productpage-v1.default~default.svc.cluster.local "
                + "--local-address-ip-version v4 --file-flush-interval-msec 1000 --disable-hot-restart "
                + "-l warning --component-log-level misc:error --concurrency 2\n", err.toString());
    }

    @Test
    void meshDefaultConfigFeedsTheBootstrapAndTheCommandLine(@TempDir Path dir) throws Exception {
        Path mesh = Files.writeString(dir.resolve("mesh.yaml"), MESH);

        assertEquals(0, run("--id", "reviews-v1.default", "--meshConfig", mesh.toString()), err.toString());

        Bootstrap b = parse(out.toString());
        assertEquals("reviews-cluster", b.getNode().getCluster());
        assertEquals(withPrivilegeHint(Map.of("NAMESPACE", "default", "INSTANCE_IPS", "127.0.0.1",
                "INTERCEPTION_MODE", "REDIRECT", "DNS_CAPTURE", "true")), strings(b.getNode().getMetadata()));
        assertEquals(15500, b.getAdmin().getAddress().getSocketAddress().getPortValue());
        Cluster xds = b.getStaticResources().getClusters(0);
        assertEquals(Cluster.DiscoveryType.STRICT_DNS, xds.getType(), "a hostname needs DNS");
        assertEquals(Cluster.DnsLookupFamily.V4_ONLY, xds.getDnsLookupFamily());
        assertEquals(SocketAddress.newBuilder().setAddress("pilot.example.internal").setPortValue(15010).build(), xdsServer(xds));
        String command = err.toString();
        for (String expected : List.of(" --drain-time-s 20 ", " --parent-shutdown-time-s 30 ", " --concurrency 4\n",
                " --service-cluster reviews-cluster ")) {
            assertTrue(command.contains(expected), expected + " missing from " + command);
        }
        assertFalse(command.contains("max-obj-name-len"), "Envoy 1.40 no longer has the flag statNameLength used to set");
    }

    @Test
    void flagsWinOverTheMeshConfig(@TempDir Path dir) throws Exception {
        Path mesh = Files.writeString(dir.resolve("mesh.yaml"), MESH);

        assertEquals(0, run("--meshConfig", mesh.toString(), "--type", "router", "--ip", "fd00::5", "--id", "gw-1.istio-system",
                "--domain", "istio-system.svc.example.org", "--xdsApi", "grpc", "--adminPort", "0",
                "--discoveryAddress", "[fd00::1]:15010", "--serviceCluster", "ingress", "--interceptionMode", "tproxy",
                "--meta", "GENERATOR=custom", "--meta", "DNS_CAPTURE=false", "--connectTimeout", "250ms"), err.toString());

        Bootstrap b = parse(out.toString());
        assertEquals("router~fd00::5~gw-1.istio-system~istio-system.svc.example.org", b.getNode().getId());
        assertEquals("ingress", b.getNode().getCluster());
        assertEquals(withPrivilegeHint(Map.of("NAMESPACE", "istio-system", "INSTANCE_IPS", "fd00::5",
                "INTERCEPTION_MODE", "TPROXY", "DNS_CAPTURE", "false", "GENERATOR", "custom")), strings(b.getNode().getMetadata()));
        assertEquals(SocketAddress.newBuilder().setAddress("::1").setPortValue(0).build(), b.getAdmin().getAddress().getSocketAddress(),
                "an IPv6 proxy's admin is on ::1, port 0 ephemeral");
        assertEquals(ApiConfigSource.ApiType.GRPC, b.getDynamicResources().getAdsConfig().getApiType());
        Cluster xds = b.getStaticResources().getClusters(0);
        assertEquals(Cluster.DiscoveryType.STATIC, xds.getType());
        assertEquals("fd00::1", xdsServer(xds).getAddress());
        assertEquals(Durations.fromMillis(250), xds.getConnectTimeout());
        assertTrue(err.toString().contains(" --local-address-ip-version v6 "), err.toString());
    }

    @Test
    void outputWritesTheFileAndPrintsOnlyTheCommandLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("envoy.json");
        assertEquals(0, run("--id", "app.default"));
        String printedJson = out.toString();
        String printedCommand = err.toString().lines().skip(1).findFirst().orElseThrow();
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);

        assertEquals(0, run("--id", "app.default", "--output", file.toString()), err.toString());

        assertEquals(parse(printedJson), parse(Files.readString(file)));
        assertEquals(printedCommand.replace("-c envoy-rev.json", "-c " + file) + "\n", out.toString());
        assertEquals("", err.toString());
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                arguments(List.of(), "Missing required option: '--id=POD.NAMESPACE'"),
                arguments(List.of("--id", "productpage"), "--id: want POD.NAMESPACE, e.g. productpage-v1.default, got 'productpage'"),
                arguments(List.of("--id", "a.b", "--ip", "localhost"), "--ip: 'localhost' is not an IP address"),
                arguments(List.of("--id", "a.b", "--discoveryAddress", "15010"), "--discoveryAddress: want host:port or [ipv6]:port, got '15010'"),
                arguments(List.of("--id", "a.b", "--discoveryAddress", "pilot:0"), "--discoveryAddress: port in 'pilot:0' must be a number from 1 to 65535"),
                arguments(List.of("--id", "a.b", "--connectTimeout", "ten"), "--connectTimeout: invalid duration \"ten\""),
                arguments(List.of("--id", "a.b", "--proxyLogLevel", "loud"), "--proxyLogLevel: want one of"),
                arguments(List.of("--id", "a.b", "--adminPort", "70000"), "--adminPort: 70000 is out of range 0-65535"),
                arguments(List.of("--id", "a.b", "--type", "gateway"), "Invalid value for option '--type'"),
                arguments(List.of("--id", "a.b", "--meshConfig", "no/such/mesh.yaml"), "--meshConfig no/such/mesh.yaml: no such file"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("mistakes")
    void mistakesAreRefusedNamingTheFlag(List<String> args, String message) {
        assertTrue(run(args.toArray(String[]::new)) != 0);
        assertTrue(err.toString().contains(message), err.toString());
        assertEquals("", out.toString(), "nothing half-written to stdout");
    }

    static Stream<Arguments> envoyCases() {
        return Stream.of(
                arguments("sidecar, defaults", List.of("--id", "productpage-v1.default")),
                arguments("sidecar, mesh defaultConfig", List.of("--id", "reviews-v1.default", "--meshConfig", "MESH")),
                arguments("router, state-of-the-world ADS", List.of("--type", "router", "--id", "gw-1.istio-system", "--xdsApi", "grpc")),
                arguments("sidecar behind Istio's capture rules (what a pod needs without pilot-agent)",
                        List.of("--id", "reviews-v1.default", "--ip", "10.250.0.3", "--interceptionMode", "REDIRECT")),
                arguments("IPv6 sidecar, hostname discovery address",
                        List.of("--ip", "fd00::5", "--id", "app.default", "--discoveryAddress", "localhost:15010")));
    }

    /** Envoy validates the printed command line as is: its flags, and the bootstrap file it names. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("envoyCases")
    void envoyAcceptsThePrintedCommandLine(String description, List<String> flags, @TempDir Path dir) throws Exception {
        EnvoyValidator envoy = EnvoyValidator.assumeAvailable();
        Path mesh = Files.writeString(dir.resolve("mesh.yaml"), MESH);
        List<String> args = new ArrayList<>(flags.stream().map(f -> f.equals("MESH") ? mesh.toString() : f).toList());
        args.addAll(List.of("--binaryPath", envoy.binary().toString(), "--output", dir.resolve("envoy.json").toString()));
        assertEquals(0, run(args.toArray(String[]::new)), err.toString());

        EnvoyValidator.Result result = envoy.validateCommand(out.toString().trim());

        assertTrue(result.valid(), () -> "Envoy rejected " + out + result.output());
    }
}
