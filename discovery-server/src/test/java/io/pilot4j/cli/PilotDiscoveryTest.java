package io.pilot4j.cli;

import io.pilot4j.server.PilotArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line up to the point where the server would start: flags, help, version, start-up errors. */
class PilotDiscoveryTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        var cli = PilotDiscovery.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void helpListsIstioFlagsWithTheirDefaults() {
        assertEquals(0, run("--help"));
        String usage = out.toString().replaceAll("\\s+", " ");
        for (String flag : new String[] {"--grpcAddr", "--httpAddr", "--monitoringAddr", "--meshConfig", "--configDir", "--domain",
                "--keepaliveMaxServerConnectionAge", "--log_output_level"}) {
            assertTrue(usage.contains(flag), flag + " missing from:\n" + usage);
        }
        for (String def : new String[] {"Default: :15010", "Default: :8080", "Default: :15014", "Default: cluster.local",
                "Default: ./etc/istio/config/mesh", "Default: default:info"}) {
            assertTrue(usage.contains(def), def + " missing from:\n" + usage);
        }
    }

    @Test
    void istioStyleDiscoverySubcommandHasTheSameFlags() {
        assertEquals(0, run("discovery", "--help"));
        assertTrue(out.toString().contains("--grpcAddr"), out.toString());
    }

    @Test
    void helpListsTheCommands() {
        assertEquals(0, run("--help"));
        String usage = out.toString();
        for (String command : new String[] {"discovery", "bootstrap", "version"}) {
            assertTrue(usage.contains("  " + command + " "), command + " missing from:\n" + usage);
        }
    }

    @Test
    void version() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().startsWith("pilot4j version "), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("version"));
        assertTrue(out.toString().startsWith("pilot4j version "), out.toString());
    }

    @Test
    void explicitMeshConfigThatDoesNotExistStopsStartup(@TempDir Path dir) {
        Path missing = dir.resolve("mesh.json");
        assertEquals(1, run("--meshConfig", missing.toString(), "--grpcAddr", "127.0.0.1:0", "--httpAddr", "127.0.0.1:0"));
        assertTrue(err.toString().contains("--meshConfig " + missing + ": no such file"), err.toString());
    }

    @Test
    void invalidMeshValueStopsStartupNamingTheField(@TempDir Path dir) throws IOException {
        Path mesh = Files.writeString(dir.resolve("mesh.json"), "{\"connectTimeout\": \"ten\"}");
        assertEquals(1, run("--meshConfig", mesh.toString(), "--grpcAddr", "127.0.0.1:0", "--httpAddr", "127.0.0.1:0"));
        assertTrue(err.toString().contains("connectTimeout"), err.toString());
        assertTrue(err.toString().contains("ten"), err.toString());
    }

    @Test
    void badAddressIsRejectedBeforeAnythingStarts() {
        assertEquals(1, run("--grpcAddr", "15010"));
        assertTrue(err.toString().contains("--grpcAddr: want host:port or :port, got '15010'"), err.toString());
    }

    @Test
    void keepaliveMaxServerConnectionAgeTakesAGoDuration() {
        assertEquals(Duration.ofMinutes(30), args("--keepaliveMaxServerConnectionAge", "30m").maxServerConnectionAge());
        assertNull(args().maxServerConnectionAge(), "Istio's default: connections live for ever");
        assertNull(args("--keepaliveMaxServerConnectionAge", "0").maxServerConnectionAge(), "0 is for ever too, as grpc-go reads it");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> args("--keepaliveMaxServerConnectionAge", "30"));
        assertTrue(e.getMessage().startsWith("--keepaliveMaxServerConnectionAge: invalid duration \"30\""), e.getMessage());
    }

    private static PilotArgs args(String... flags) {
        DiscoveryOptions options = new DiscoveryOptions();
        new CommandLine(options).parseArgs(flags);
        return options.toArgs(Map.of(), p -> false);
    }

    @Test
    void monitoringAddrTakesTheListenerSyntax() {
        DiscoveryOptions options = new DiscoveryOptions();
        new CommandLine(options).parseArgs();
        assertEquals(new InetSocketAddress(15014), options.toArgs(Map.of(), p -> false).monitoringAddr());
        new CommandLine(options).parseArgs("--monitoringAddr", "127.0.0.1:0");
        assertEquals(new InetSocketAddress("127.0.0.1", 0), options.toArgs(Map.of(), p -> false).monitoringAddr());

        assertEquals(1, run("--monitoringAddr", "15014"));
        assertTrue(err.toString().contains("--monitoringAddr: want host:port or :port, got '15014'"), err.toString());
    }

    @Test
    void aBusyMonitoringPortStopsStartup() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + busy.getLocalPort();
            assertEquals(1, run("--monitoringAddr", address, "--grpcAddr", "127.0.0.1:0", "--httpAddr", "127.0.0.1:0"));
            assertTrue(err.toString().contains("--monitoringAddr " + address + ": cannot listen: "), err.toString());
        }
    }

    @Test
    void unknownLogScopeIsRejected() {
        assertEquals(1, run("--log_output_level", "default:info,adss:debug"));
        assertTrue(err.toString().contains("unknown scope 'adss'"), err.toString());
    }

    @Test
    void configDirMustExist(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        assertEquals(1, run("--configDir", missing.toString(), "--grpcAddr", "127.0.0.1:0", "--httpAddr", "127.0.0.1:0"));
        assertTrue(err.toString().contains("--configDir " + missing + ": not a directory"), err.toString());
    }
}
