package io.pilot4j.bootstrap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Envoy command line pilot-agent would run for a bootstrap (its "Envoy command: [...]" log line, pkg/envoy):
 * drain and shutdown times and concurrency from the mesh config's defaultConfig, the node as Envoy's service
 * node and cluster, and hot restart disabled as Istio does, which also lets several Envoys share a machine.
 *
 * <p>Left out: {@code --max-obj-name-len} (defaultConfig.statNameLength), which Envoy removed; Envoy 1.40 stops
 * with "PARSE ERROR: Argument: --max-obj-name-len". {@code --restart-epoch} means nothing without hot restart,
 * and {@code --allow-unknown-static-fields} (Istio's, for user templates) would hide a broken bootstrap.
 */
public final class EnvoyCommand {
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./~-]+");

    private EnvoyCommand() {
    }

    /** The binary followed by its arguments, for a bootstrap saved as {@code configFile}. */
    public static List<String> of(ProxyBootstrap bootstrap, String configFile) {
        BootstrapOptions options = bootstrap.options();
        List<String> args = new ArrayList<>(List.of(
                options.binaryPath(),
                "-c", configFile,
                "--drain-time-s", seconds(bootstrap.proxyConfig().drainDuration()),
                // Clients hear about the drain at once (Connection: close, GOAWAY) instead of gradually.
                "--drain-strategy", "immediate",
                "--parent-shutdown-time-s", seconds(bootstrap.proxyConfig().parentShutdownDuration()),
                "--service-cluster", bootstrap.serviceCluster(),
                "--service-node", bootstrap.proxy().nodeId(),
                "--local-address-ip-version", bootstrap.ipv6() ? "v6" : "v4",
                // Access logs reach the file within a second rather than Envoy's default ten.
                "--file-flush-interval-msec", "1000",
                "--disable-hot-restart",
                "-l", options.logLevel()));
        if (!options.componentLogLevel().isEmpty()) {
            args.add("--component-log-level");
            args.add(options.componentLogLevel());
        }
        // 0 means "not set" in ProxyConfig: Envoy then starts one worker per core.
        if (bootstrap.proxyConfig().concurrency() > 0) {
            args.add("--concurrency");
            args.add(Integer.toString(bootstrap.proxyConfig().concurrency()));
        }
        return args;
    }

    /** One line a POSIX shell reads back as the same words: words with other characters are single-quoted. */
    public static String toShell(List<String> words) {
        List<String> out = new ArrayList<>(words.size());
        for (String w : words) {
            boolean safe = SHELL_SAFE.matcher(w).matches() && !w.startsWith("~");
            out.add(safe ? w : "'" + w.replace("'", "'\\''") + "'");
        }
        return String.join(" ", out);
    }

    /** Go's int(d.Seconds()): whole seconds, truncated. */
    private static String seconds(Duration d) {
        return Long.toString(d.getSeconds());
    }
}
