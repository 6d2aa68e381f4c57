package io.pilot4j.cli;

import io.pilot4j.bootstrap.BootstrapOptions;
import io.pilot4j.bootstrap.EnvoyCommand;
import io.pilot4j.bootstrap.ProxyBootstrap;
import io.pilot4j.bootstrap.XdsApi;
import io.pilot4j.mesh.DurationText;
import io.pilot4j.model.NodeType;
import io.pilot4j.server.MeshConfigFile;
import io.pilot4j.translate.listener.InterceptionMode;
import io.pilot4j.translate.ProxyView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code discovery bootstrap}: pilot-agent's bootstrap role without the agent. Prints the Envoy bootstrap for one
 * node and the Envoy command line pilot-agent would run; flag names are pilot-agent's where it has one.
 */
@Command(name = "bootstrap", mixinStandardHelpOptions = true, versionProvider = Version.class, usageHelpWidth = 120,
        description = {
                "Print an Envoy bootstrap (JSON) for one proxy, pointing at this discovery server over ADS, and the Envoy "
                        + "command line pilot-agent would run with it.",
                "Without --output the JSON goes to stdout and the command line to stderr; with --output FILE the JSON "
                        + "goes to FILE and the command line to stdout, so  eval \"$(discovery bootstrap --id app.default "
                        + "--output envoy.json)\"  starts Envoy."})
final class BootstrapCommand implements Callable<Integer> {
    /** The file name pilot-agent writes the bootstrap to; shown in the command line when no --output is given. */
    static final String PLACEHOLDER_FILE = "envoy-rev.json";

    @Spec
    CommandSpec spec;

    @Mixin
    MeshConfigOption meshConfig;

    @Option(names = "--type", defaultValue = "sidecar", paramLabel = "TYPE",
            description = "Proxy type: sidecar, or router (a gateway: every cluster, and listeners and routes from the "
                    + "Gateways whose selector matches its --labels). Default: ${DEFAULT-VALUE}")
    NodeType type;

    @Option(names = "--ip", defaultValue = BootstrapOptions.DEFAULT_IP, paramLabel = "IP",
            description = "Proxy IP address, the node id's second field. Default: ${DEFAULT-VALUE}")
    String ip;

    @Option(names = "--id", required = true, paramLabel = "POD.NAMESPACE",
            description = "Proxy id, the node id's third field, e.g. productpage-v1.default; its namespace is the proxy's")
    String id;

    @Option(names = "--domain", paramLabel = "DOMAIN",
            description = "DNS domain suffix, the node id's fourth field. Default: <namespace of --id>.svc.cluster.local")
    String domain;

    @Option(names = "--discoveryAddress", paramLabel = "HOST:PORT",
            description = "Address of the discovery service (plaintext ADS). Default: the mesh config's "
                    + "defaultConfig.discoveryAddress, or 127.0.0.1:15010 when it is Istio's in-cluster default")
    String discoveryAddress;

    @Option(names = "--xdsApi", defaultValue = "delta", paramLabel = "API",
            description = "ADS flavour: delta (DELTA_GRPC, incremental) or grpc (GRPC, state of the world). "
                    + "Default: ${DEFAULT-VALUE}, as in Istio since 1.22")
    XdsApi xdsApi;

    @Option(names = {"--adminPort", "--proxyAdminPort"}, paramLabel = "PORT",
            description = "Envoy admin port on localhost, 0 for an ephemeral one. Default: the mesh config's "
                    + "defaultConfig.proxyAdminPort (15000)")
    Integer adminPort;

    @Option(names = "--interceptionMode", paramLabel = "MODE",
            description = "INTERCEPTION_MODE node metadata: NONE (no iptables: outbound listeners bind 127.0.0.1 and "
                    + "loopback service VIPs), REDIRECT or TPROXY (iptables capture, as in a pod). Default: NONE, since "
                    + "this command sets up no iptables, unless defaultConfig.proxyMetadata sets ISTIO_META_INTERCEPTION_MODE")
    InterceptionMode interceptionMode;

    @Option(names = "--labels", split = ",", paramLabel = "KEY=VALUE",
            description = "Workload labels (LABELS node metadata), comma-separated or repeated; app names the service cluster")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--meta", paramLabel = "KEY=VALUE",
            description = "Further node metadata, repeated, e.g. --meta GENERATOR=grpc (pilot-agent reads these from "
                    + "ISTIO_META_KEY variables); wins over computed values")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Option(names = "--serviceCluster", paramLabel = "NAME",
            description = "Envoy service cluster. Default: defaultConfig.serviceCluster unless istio-proxy, else "
                    + "<app label>.<namespace>, else istio-proxy.<namespace>")
    String serviceCluster;

    @Option(names = "--connectTimeout", defaultValue = BootstrapOptions.DEFAULT_CONNECT_TIMEOUT, paramLabel = "DURATION",
            description = "Connect timeout to the discovery service. Default: ${DEFAULT-VALUE}")
    String connectTimeout;

    @Option(names = "--proxyLogLevel", defaultValue = BootstrapOptions.DEFAULT_LOG_LEVEL, paramLabel = "LEVEL",
            description = "Envoy log level: trace, debug, info, warning, error, critical or off. Default: ${DEFAULT-VALUE}")
    String proxyLogLevel;

    @Option(names = "--proxyComponentLogLevel", defaultValue = BootstrapOptions.DEFAULT_COMPONENT_LOG_LEVEL, paramLabel = "LEVELS",
            description = "Envoy component log levels, component:level,... Default: ${DEFAULT-VALUE}")
    String proxyComponentLogLevel;

    @Option(names = "--binaryPath", defaultValue = BootstrapOptions.DEFAULT_BINARY, paramLabel = "PATH",
            description = "Envoy binary in the printed command line. Default: ${DEFAULT-VALUE} (from PATH)")
    String binaryPath;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Write the bootstrap to FILE and print the Envoy command line on stdout")
    Path output;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MeshConfigFile.Loaded mesh = meshConfig.load();
        mesh.warnings().forEach(w -> err.println("warning: " + meshConfig.path() + ": " + w));
        ProxyBootstrap bootstrap = ProxyBootstrap.of(options(), mesh.config().defaultConfig());
        String json = ProxyBootstrap.json(bootstrap.bootstrap());
        if (output == null) {
            out.println(json);
            err.println("# Envoy command, with the bootstrap above saved as " + PLACEHOLDER_FILE + ":");
            err.println(EnvoyCommand.toShell(EnvoyCommand.of(bootstrap, PLACEHOLDER_FILE)));
            return 0;
        }
        try {
            Files.writeString(output, json + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("Error: --output " + output + ": cannot write: " + e.getMessage());
            return 1;
        }
        out.println(EnvoyCommand.toShell(EnvoyCommand.of(bootstrap, output.toString())));
        return 0;
    }

    private BootstrapOptions options() {
        Duration timeout;
        try {
            timeout = DurationText.parse(connectTimeout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--connectTimeout: " + e.getMessage(), e);
        }
        Map<String, String> md = new LinkedHashMap<>();
        if (!PrivilegedPorts.bindable()) {
            md.put(ProxyView.UNPRIVILEGED_POD, "true");
        }
        md.putAll(metadata);
        return new BootstrapOptions(type, ip, id, domain, discoveryAddress, xdsApi, adminPort, interceptionMode,
                labels, md, serviceCluster, timeout, proxyLogLevel, proxyComponentLogLevel, binaryPath);
    }
}
