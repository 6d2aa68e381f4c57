package io.pilot4j.load.run;

import io.pilot4j.load.client.ClientFleet;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One measured run.
 *
 * @param configDir      the workload the server serves; changes are written here
 * @param changes        single endpoint changes, {@code changeInterval} apart, after initial convergence
 * @param burstRate      changes per second in the burst after them (0: no burst)
 * @param serverPid      the server's pid for /proc and jcmd, or 0
 */
public record RunSettings(String label, ClientFleet.Options fleet, Path configDir,
                          int changes, Duration changeInterval, Duration changeTimeout,
                          int burstRate, Duration burstDuration, int afterBurstChanges,
                          Duration readyTimeout, long serverPid, boolean heapInfo, long seed) {
}
