package io.pilot4j.load.measure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcStatsTest {
    private static final String STATUS = "Name:\tjava\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t 5000000 kB\n"
            + "VmRSS:\t  412345 kB\nRssAnon:\t  400000 kB\nThreads:\t42\n";
    // A command name with a space and a ')' in it: fields must be counted from the last ')'.
    private static final String STAT = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 42 0 100 "
            + "5000000000 103086 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

    @Test
    void vmRssInBytes() {
        assertEquals(412345L * 1024, ProcStats.vmRss(STATUS));
        assertThrows(IllegalArgumentException.class, () -> ProcStats.vmRss("Name:\tkthreadd\n"));
    }

    @Test
    void userPlusSystemTimeOverClockTicks() {
        assertEquals((1234 + 567) / 100.0, ProcStats.cpuSeconds(STAT, 100), 1e-9);
    }

    @Test
    void samplesAProcDirectory(@TempDir Path proc) throws IOException {
        Files.createDirectories(proc.resolve("4242"));
        Files.writeString(proc.resolve("4242/status"), STATUS);
        Files.writeString(proc.resolve("4242/stat"), STAT);
        ProcSample s = new ProcStats(proc, 100).sample(4242).orElseThrow();
        assertEquals(412345L * 1024, s.rssBytes());
        assertEquals(18.01, s.cpuSeconds(), 1e-9);
        assertTrue(new ProcStats(proc, 100).sample(1).isEmpty(), "a process that is gone");
    }

    @Test
    void processTimeOfTheWholeMachineIsUserNiceAndSystem() {
        String stat = "cpu  100 20 30 5000 700 4 6 8 0 0\ncpu0 50 10 15 2500 350 2 3 4 0 0\nintr 1 2 3\n";
        assertEquals((100 + 20 + 30) / 100.0, ProcStats.busySeconds(stat, 100), 1e-9);
        assertTrue(ProcStats.system().machineBusySeconds().orElseThrow() > 0);
    }

    @Test
    void readsThisProcess() {
        ProcSample self = ProcStats.system().sample(ProcessHandle.current().pid()).orElseThrow();
        assertTrue(self.rssBytes() > 1024 * 1024, "a JVM holds more than a MiB");
        assertTrue(self.cpuSeconds() > 0);
    }
}
