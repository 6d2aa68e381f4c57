package io.pilot4j.load.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads {@link ProcSample}s of a process by pid; empty when the process is gone or this is not Linux. */
public final class ProcStats {
    /** Linux's USER_HZ, which /proc reports CPU times in; 100 on every common architecture. */
    private static final long DEFAULT_CLK_TCK = 100;

    private final Path proc;
    private final long clockTicks;

    public ProcStats(Path proc, long clockTicks) {
        this.proc = proc;
        this.clockTicks = clockTicks;
    }

    public static ProcStats system() {
        return new ProcStats(Path.of("/proc"), DEFAULT_CLK_TCK);
    }

    public Optional<ProcSample> sample(long pid) {
        try {
            String status = Files.readString(proc.resolve(pid + "/status"));
            String stat = Files.readString(proc.resolve(pid + "/stat"));
            return Optional.of(new ProcSample(vmRss(status), cpuSeconds(stat, clockTicks)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * CPU seconds the JVM's JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre" as /proc names them) of a
     * process have spent: what a server spends compiling rather than serving, which a short run cannot tell from its
     * work. Threads that ended are not counted; compiler threads are long-lived.
     */
    public java.util.OptionalDouble compilerSeconds(long pid) {
        try (var tasks = Files.list(proc.resolve(pid + "/task"))) {
            double total = 0;
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        total += cpuSeconds(stat, clockTicks);
                    }
                } catch (IOException e) {
                    // The thread ended meanwhile.
                }
            }
            return java.util.OptionalDouble.of(total);
        } catch (IOException | RuntimeException e) {
            return java.util.OptionalDouble.empty();
        }
    }

    /**
     * CPU seconds every process together has spent since boot (user, nice and system time of all CPUs, from the
     * first line of /proc/stat): what other processes took during a run is this, less the server's and the load
     * tool's own. Interrupt and softirq time are left out: the loopback traffic of a run is processed there, and
     * no process is charged for it.
     */
    public java.util.OptionalDouble machineBusySeconds() {
        try {
            return java.util.OptionalDouble.of(busySeconds(Files.readString(proc.resolve("stat")), clockTicks));
        } catch (IOException | RuntimeException e) {
            return java.util.OptionalDouble.empty();
        }
    }

    static double busySeconds(String procStat, long clockTicks) {
        String first = procStat.substring(0, procStat.indexOf('\n'));
        if (!first.startsWith("cpu ")) {
            throw new IllegalArgumentException("no aggregate cpu line in /proc/stat");
        }
        String[] f = first.substring(4).trim().split("\\s+");
        // user nice system idle iowait irq softirq steal ...
        long busy = Long.parseLong(f[0]) + Long.parseLong(f[1]) + Long.parseLong(f[2]);
        return busy / (double) clockTicks;
    }

    /** VmRSS in bytes, from the "VmRSS:   123456 kB" line of /proc/PID/status. */
    static long vmRss(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring(6).trim().split("\\s+");
                long value = Long.parseLong(parts[0]);
                if (parts.length < 2 || !parts[1].equalsIgnoreCase("kB")) {
                    throw new IllegalArgumentException("VmRSS not in kB: " + line);
                }
                return value * 1024;
            }
        }
        throw new IllegalArgumentException("no VmRSS line (a kernel thread, or a zombie)");
    }

    /**
     * utime + stime (fields 14 and 15) of /proc/PID/stat. Field 2 is the command name in parentheses and may hold
     * spaces and ')' itself, so fields are counted from the last ')'.
     */
    static double cpuSeconds(String stat, long clockTicks) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line");
        }
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        // fields[0] is field 3 (state), so field n is fields[n - 3].
        long utime = Long.parseLong(fields[14 - 3]);
        long stime = Long.parseLong(fields[15 - 3]);
        return (utime + stime) / (double) clockTicks;
    }
}
