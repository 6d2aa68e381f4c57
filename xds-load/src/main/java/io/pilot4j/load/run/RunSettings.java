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
 * @param warmupChanges  changes made and awaited before the measured ones, not counted: the server's change path is
 *                       compiled by then, so the CPU per change is its steady state, not the JIT's; {@code
 *                       warmupInterval} apart
 * @param idleWindow     with a server pid: a quiet window before the changes, to measure the server's CPU at rest and
 *                       take it out of the CPU per change (zero: none)
 */
public record RunSettings(String label, ClientFleet.Options fleet, Path configDir,
                          int changes, Duration changeInterval, Duration changeTimeout,
                          int burstRate, Duration burstDuration, int afterBurstChanges,
                          Duration readyTimeout, long serverPid, boolean heapInfo, int warmupChanges, Duration warmupInterval, Duration idleWindow, long seed) {
}
