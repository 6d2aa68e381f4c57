package io.pilot4j.cli;

import picocli.CommandLine;

/** The jar's Implementation-Version, or "dev" when run from classes. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = PilotDiscovery.class.getPackage().getImplementationVersion();
        return new String[] {"pilot4j version " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
    }
}
