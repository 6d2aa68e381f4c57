package io.pilot4j.load;

import io.pilot4j.load.client.ClientFleet;
import io.pilot4j.load.measure.FlatJson;
import io.pilot4j.load.run.LoadRun;
import io.pilot4j.load.run.RunReport;
import io.pilot4j.load.run.RunResult;
import io.pilot4j.load.run.RunSettings;
import io.pilot4j.load.xds.Decode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Simulate N Envoy sidecars over ADS against a server serving --config-dir; time initial convergence, then",
                "endpoint changes written to --config-dir until every client holds each. Exit 0 when every client converged",
                "and every change reached every client, 2 otherwise."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--target", defaultValue = "127.0.0.1:15010", description = "ADS server (default ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--clients", defaultValue = "100", description = "simulated sidecars (default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--mode", defaultValue = "sotw", description = "sotw or delta (default ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--config-dir", required = true, description = "the workload directory the server serves; changes are written to it")
    Path configDir;

    @Option(names = "--changes", defaultValue = "20", description = "single endpoint changes after initial convergence (default ${DEFAULT-VALUE})")
    int changes;

    @Option(names = "--change-interval", defaultValue = "2s", description = "time between changes (default ${DEFAULT-VALUE})")
    Duration changeInterval;

    @Option(names = "--change-timeout", defaultValue = "120s", description = "give up on a change this long after it was made (default ${DEFAULT-VALUE})")
    Duration changeTimeout;

    @Option(names = "--burst-rate", defaultValue = "0", description = "changes per second in a burst after the single changes; 0: none (default ${DEFAULT-VALUE})")
    int burstRate;

    @Option(names = "--burst-duration", defaultValue = "10s", description = "length of the burst (default ${DEFAULT-VALUE})")
    Duration burstDuration;

    @Option(names = "--after-burst-changes", defaultValue = "3", description = "single changes after the burst, to show a backlog (default ${DEFAULT-VALUE})")
    int afterBurstChanges;

    @Option(names = "--ready-timeout", defaultValue = "600s", description = "give up on initial convergence after this (default ${DEFAULT-VALUE})")
    Duration readyTimeout;

    @Option(names = "--server-pid", defaultValue = "0", description = "the server's pid: RSS and CPU from /proc, heap from jcmd")
    long serverPid;

    @Option(names = "--heap-info", defaultValue = "true", negatable = true,
            description = "with --server-pid: jcmd GC.heap_info when ready, then GC.run and again for the live heap (default ${DEFAULT-VALUE})")
    boolean heapInfo;

    @Option(names = "--warmup-changes", defaultValue = "0",
            description = "changes made and awaited before the measured ones, so that the server has compiled its change path (default ${DEFAULT-VALUE})")
    int warmupChanges;

    @Option(names = "--warmup-interval", defaultValue = "100ms", description = "time between warm-up changes (default ${DEFAULT-VALUE})")
    Duration warmupInterval;

    @Option(names = "--idle-window", defaultValue = "5s",
            description = "with --server-pid: a quiet window before the changes, whose server CPU rate is taken out of the CPU per change; 0s: none (default ${DEFAULT-VALUE})")
    Duration idleWindow;

    @Option(names = "--decode", defaultValue = "names",
            description = "names: endpoints and routes parsed only for their name (and the clusters a change awaits); full: everything, as Envoy (default ${DEFAULT-VALUE})")
    String decode;

    @Option(names = "--clients-per-connection", defaultValue = "1", description = "ADS streams per connection (default ${DEFAULT-VALUE}: one, as Envoy)")
    int clientsPerConnection;

    @Option(names = "--io-threads", defaultValue = "1", description = "client event loop threads (default ${DEFAULT-VALUE})")
    int ioThreads;

    @Option(names = "--worker-threads", defaultValue = "2", description = "client decode/ACK threads (default ${DEFAULT-VALUE})")
    int workerThreads;

    @Option(names = "--reconnect-delay", defaultValue = "500ms", description = "wait before re-opening a failed stream (default ${DEFAULT-VALUE})")
    Duration reconnectDelay;

    @Option(names = "--label", defaultValue = "server", description = "name of the server in reports (default ${DEFAULT-VALUE})")
    String label;

    @Option(names = "--seed", defaultValue = "-1", description = "first change address number; -1 picks one at random")
    long seed;

    @Option(names = "--json", description = "also write the report as JSON here (for 'xds-load compare')")
    Path json;

    @Override
    public Integer call() throws Exception {
        ClientFleet.Options fleet = new ClientFleet.Options(target, clients, ClientFleet.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)),
                Decode.valueOf(decode.toUpperCase(java.util.Locale.ROOT)), namespaceOf(configDir), clientsPerConnection, ioThreads,
                workerThreads, reconnectDelay.toMillis());
        RunSettings settings = new RunSettings(label, fleet, configDir, changes, changeInterval, changeTimeout, burstRate, burstDuration,
                afterBurstChanges, readyTimeout, serverPid, heapInfo, warmupChanges, warmupInterval, idleWindow, seed >= 0 ? seed : new java.util.Random().nextInt(1 << 22));
        RunResult result = new LoadRun(settings, System.err).run();
        System.out.print(RunReport.text(result));
        if (json != null) {
            Files.writeString(json, FlatJson.write(result.fields()));
        }
        boolean converged = result.initial().ready() == clients && result.changes().reachedAll() == result.changes().made()
                && result.burst().reachedAll() == result.burst().made();
        return converged ? 0 : 2;
    }

    /** Clients live in the services' namespace, so they see the short host names Istio gives same-namespace services. */
    private static String namespaceOf(Path dir) {
        return io.pilot4j.load.workload.WorkloadDir.read(dir).services().get(0).namespace();
    }
}
