package io.pilot4j.cli;

import io.pilot4j.log.LogLevels;
import io.pilot4j.server.PilotArgs;
import io.pilot4j.server.Server;
import io.pilot4j.server.StartupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * The {@code discovery} command. Run bare ({@code discovery --configDir DIR}) or, as Istio users type it,
 * with the {@code discovery} subcommand ({@code discovery discovery --configDir DIR}); both take the same flags.
 */
@Command(name = "discovery",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 120,
        versionProvider = Version.class,
        description = "pilot4j: an xDS control plane for Envoy and proxyless gRPC, in the manner of Istio's pilot-discovery.",
        subcommands = {PilotDiscovery.Discovery.class, BootstrapCommand.class, ValidateCommand.class, PilotDiscovery.VersionCommand.class})
public final class PilotDiscovery implements Callable<Integer> {
    @Mixin
    DiscoveryOptions options;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line {@link #main} runs: the commands, their error handling and case-insensitive enum values. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new PilotDiscovery());
        // Istio users type flag values in lower case (--type router, --xdsApi delta); Java enums are upper case.
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof StartupException) {
                cmd.getErr().println("Error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli;
    }

    @Override
    public Integer call() throws Exception {
        return serve(options);
    }

    /** Starts the server and blocks until the JVM is asked to stop. */
    static int serve(DiscoveryOptions options) throws StartupException, InterruptedException {
        // Parse every flag before anything starts, so a typo costs no partial start-up.
        var levels = LogLevels.parse(options.logOutputLevel);
        PilotArgs args = options.toArgs();
        LogLevels.apply(levels);
        Server server = Server.start(args, Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        server.awaitTermination();
        return 0;
    }

    @Command(name = "discovery", mixinStandardHelpOptions = true, versionProvider = Version.class, usageHelpWidth = 120,
            description = "Start Istio proxy discovery service (xDS over gRPC, debug over HTTP).")
    static final class Discovery implements Callable<Integer> {
        @Mixin
        DiscoveryOptions options;

        @Override
        public Integer call() throws Exception {
            return serve(options);
        }
    }

    @Command(name = "version", description = "Print the version.")
    static final class VersionCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (String line : new Version().getVersion()) {
                out.println(line);
            }
            return 0;
        }
    }
}
