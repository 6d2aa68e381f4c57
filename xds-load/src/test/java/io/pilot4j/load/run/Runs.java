package io.pilot4j.load.run;

import io.pilot4j.load.client.ClientFleet;
import io.pilot4j.load.xds.Decode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** Short runs for tests: a handful of clients, changes a few hundred milliseconds apart, generous timeouts. */
public final class Runs {
    private Runs() {
    }

    public static RunSettings settings(String label, String target, Path dir, int clients, ClientFleet.Mode mode, int changes, int burstRate) {
        ClientFleet.Options fleet = new ClientFleet.Options(target, clients, mode, Decode.FULL, "load", 1, 1, 2, 100);
        return new RunSettings(label, fleet, dir, changes, Duration.ofMillis(300), Duration.ofSeconds(30),
                burstRate, Duration.ofMillis(500), burstRate > 0 ? 1 : 0, Duration.ofSeconds(60),
                ProcessHandle.current().pid(), false, 1, Duration.ofMillis(100), Duration.ofMillis(200), 0);
    }

    /** Runs and returns the result; the progress log goes into the failure message if the run throws. */
    public static RunResult run(RunSettings settings) throws InterruptedException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (PrintStream progress = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            RunResult r = new LoadRun(settings, progress).run();
            System.out.println(log.toString(StandardCharsets.UTF_8));
            System.out.println(RunReport.text(r));
            return r;
        }
    }
}
