package io.pilot4j.load.raw;

import io.pilot4j.load.client.ClientFleet;
import io.pilot4j.load.run.RunResult;
import io.pilot4j.load.run.Runs;
import io.pilot4j.load.workload.WorkloadDir;
import io.pilot4j.load.workload.WorkloadGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The floor server serves both protocols to the tool's own clients, changes and a burst included. */
class FloorServerTest {

    @Test
    void stateOfTheWorldAndDeltaClientsConvergeAndSeeEveryChange(@TempDir Path dir) throws Exception {
        WorkloadDir.write(WorkloadGenerator.generate(20, 3, "load", 8080, 2), dir);
        try (FloorServer floor = FloorServer.start(dir, new InetSocketAddress("127.0.0.1", 0), Duration.ofMillis(20),
                new PrintStream(PrintStream.nullOutputStream()))) {
            String target = "127.0.0.1:" + floor.boundAddress().getPort();
            for (ClientFleet.Mode mode : ClientFleet.Mode.values()) {
                RunResult r = Runs.run(Runs.settings("raw", target, dir, 3, mode, 2, 10));
                assertEquals(3, r.initial().ready(), mode + ": every client converged");
                assertEquals(2, r.changes().reachedAll(), mode + ": every change reached every client");
                assertEquals(5, r.burst().reachedAll(), mode + ": every burst change reached every client");
                assertEquals(0, r.traffic().nacks(), r.traffic().lastNack());
                assertEquals(0, floor.nacks());
                assertTrue(r.server().rssReady() > 0, "RSS read from /proc");
            }
        }
    }
}
