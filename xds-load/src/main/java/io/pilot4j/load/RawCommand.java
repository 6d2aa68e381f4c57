package io.pilot4j.load;

import io.pilot4j.load.raw.FloorServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "raw", mixinStandardHelpOptions = true,
        description = {"Serve a workload directory as the floor: each response serialised once per change, the same bytes to every stream.",
                "Speaks state-of-the-world and delta ADS; watches the directory as a control plane would."})
final class RawCommand implements Callable<Integer> {
    @Option(names = "--config-dir", required = true, description = "workload directory written by 'xds-load workload'")
    Path configDir;

    @Option(names = "--port", defaultValue = "15010", description = "ADS port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks one)")
    int port;

    @Option(names = "--quiet", defaultValue = "150ms",
            description = "how long the directory must be still before a change is served; pilot4j's file watch (50ms) plus debounce (100ms) (default ${DEFAULT-VALUE})")
    Duration quiet;

    @Override
    public Integer call() throws Exception {
        try (FloorServer server = FloorServer.start(configDir, new InetSocketAddress("127.0.0.1", port), quiet, System.out)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception ignored) {
                    // Exiting anyway.
                }
            }));
            server.awaitTermination();
        }
        return 0;
    }
}
