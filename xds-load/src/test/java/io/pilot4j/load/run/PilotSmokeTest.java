package io.pilot4j.load.run;

import io.pilot4j.load.client.ClientFleet;
import io.pilot4j.load.raw.FloorServer;
import io.pilot4j.load.workload.WorkloadDir;
import io.pilot4j.load.workload.WorkloadGenerator;
import io.pilot4j.server.PilotArgs;
import io.pilot4j.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tool against pilot4j in-process: a handful of state-of-the-world sidecars converge and see endpoint changes
 * written to the config directory. Then the same clients against the floor, which must serve responses of the
 * same shape: names equal, and sizes close enough that a ratio between the two runs means something.
 */
class PilotSmokeTest {

    @Test
    void sidecarsConvergeOnPilot4jAndTheFloorServesTheSameShape(@TempDir Path dir) throws Exception {
        WorkloadDir.write(WorkloadGenerator.generate(20, 3, "load", 8080, 1), dir);
        PilotArgs args = new PilotArgs(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
                Path.of("target/no-such-mesh-config"), false, dir, null, "cluster.local",
                PilotArgs.DEFAULT_DEBOUNCE_AFTER, PilotArgs.DEFAULT_DEBOUNCE_MAX);
        RunResult pilot;
        try (Server server = Server.start(args, Clock.systemUTC())) {
            pilot = Runs.run(Runs.settings("pilot4j", "127.0.0.1:" + server.grpcAddress().getPort(), dir, 4,
                    ClientFleet.Mode.SOTW, 2, 0));
        }
        assertEquals(4, pilot.initial().ready(), "every client converged");
        assertEquals(2, pilot.changes().reachedAll(), "every change reached every client");
        assertEquals(0, pilot.traffic().nacks(), pilot.traffic().lastNack());

        RunResult floor;
        try (FloorServer raw = FloorServer.start(dir, new InetSocketAddress("127.0.0.1", 0), Duration.ofMillis(20),
                new PrintStream(PrintStream.nullOutputStream()))) {
            floor = Runs.run(Runs.settings("raw", "127.0.0.1:" + raw.boundAddress().getPort(), dir, 4, ClientFleet.Mode.SOTW, 0, 0));
        }
        assertEquals(4, floor.initial().ready(), "the floor's resources carry the names pilot4j's do");
        double ratio = floor.traffic().initialBytesPerClient() / (double) pilot.traffic().initialBytesPerClient();
        assertTrue(ratio > 0.9 && ratio < 1.1, "floor responses within 10% of pilot4j's size: " + ratio);
    }
}
