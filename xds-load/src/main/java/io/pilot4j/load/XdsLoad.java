package io.pilot4j.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code xds-load}: the load tool's entry point. */
@Command(name = "xds-load", mixinStandardHelpOptions = true, versionProvider = XdsLoad.Version.class,
        description = "Simulated Envoy sidecars over ADS against any xDS server, with the workload they need and the floor to compare with.",
        subcommands = {WorkloadCommand.class, RunCommand.class, RawCommand.class, CompareCommand.class})
public final class XdsLoad {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new XdsLoad()).registerConverter(java.time.Duration.class, new DurationConverter());
    }

    /** The jar's Implementation-Version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = XdsLoad.class.getPackage().getImplementationVersion();
            return new String[]{"xds-load " + (v == null ? "dev" : v)};
        }
    }
}
