package io.pilot4j.load.measure;

/**
 * A process's resident memory and CPU time at one moment, from Linux's /proc.
 *
 * @param rssBytes   VmRSS of /proc/PID/status
 * @param cpuSeconds utime + stime of /proc/PID/stat, in seconds
 */
public record ProcSample(long rssBytes, double cpuSeconds) {
    public double rssMiB() {
        return rssBytes / (1024.0 * 1024.0);
    }
}
