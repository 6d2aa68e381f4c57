package io.pilot4j.load.run;

import io.pilot4j.load.client.ChangeTracker;
import io.pilot4j.load.client.ClientFleet;
import io.pilot4j.load.client.Observations;
import io.pilot4j.load.measure.HeapInfo;
import io.pilot4j.load.measure.Percentiles;
import io.pilot4j.load.measure.ProcSample;
import io.pilot4j.load.measure.ProcStats;
import io.pilot4j.load.workload.EndpointChange;
import io.pilot4j.load.workload.EndpointMutator;
import io.pilot4j.load.workload.Workload;
import io.pilot4j.load.workload.WorkloadDir;
import io.pilot4j.load.xds.XdsType;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One run: start the fleet, wait for initial convergence, then make endpoint changes in the config directory and
 * time each until every client holds it; then, optionally, a burst of changes and a few single ones after it.
 * Progress goes to {@code progress}; the figures come back as a {@link RunResult}.
 */
public final class LoadRun {
    private static final double NANOS = 1e9;
    private static final double MIB = 1024.0 * 1024.0;

    private final RunSettings settings;
    private final PrintStream progress;
    private final ProcStats proc = ProcStats.system();

    public LoadRun(RunSettings settings, PrintStream progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public RunResult run() throws InterruptedException {
        Workload workload = WorkloadDir.read(settings.configDir());
        ClientFleet.Options options = settings.fleet();
        long selfPid = ProcessHandle.current().pid();
        Optional<ProcSample> selfStart = proc.sample(selfPid);
        Optional<ProcSample> serverStart = serverSample();
        java.util.OptionalDouble machineStart = proc.machineBusySeconds();
        log("%s: %d %s clients against %s, %d services x %d endpoints", settings.label(), options.clients(),
                options.mode().name().toLowerCase(Locale.ROOT), options.target(), workload.services().size(),
                workload.endpointCount() / workload.services().size());
        try (ClientFleet fleet = new ClientFleet(options, workload.clusterNames())) {
            Observations obs = fleet.observations();
            fleet.start();
            boolean allReady = awaitReady(fleet);
            long initialBytes = obs.bytesReceived();
            Optional<ProcSample> serverReady = serverSample();
            Optional<HeapInfo.Heap> heap = Optional.empty();
            Optional<HeapInfo.Heap> live = Optional.empty();
            if (settings.heapInfo() && settings.serverPid() > 0) {
                heap = HeapInfo.of(settings.serverPid());
                live = HeapInfo.liveOf(settings.serverPid());
            }
            RunResult.Changes changes = RunResult.Changes.NONE;
            RunResult.Burst burst = RunResult.Burst.NONE;
            if (allReady) {
                EndpointMutator mutator = new EndpointMutator(workload, settings.seed());
                if (settings.warmupChanges() > 0) {
                    double[] warm = awaitAll(paced(fleet, mutator, settings.warmupChanges(), settings.warmupInterval(), "warm-up change"));
                    log("  %d/%d warm-up changes reached every client", warm.length, settings.warmupChanges());
                }
                double idleCores = idleCores();
                changes = singleChanges(fleet, mutator, idleCores);
                if (settings.burstRate() > 0) {
                    burst = burst(fleet, mutator);
                }
            }
            Optional<ProcSample> serverEnd = serverSample();
            Optional<ProcSample> selfEnd = proc.sample(selfPid);
            java.util.OptionalDouble machineEnd = proc.machineBusySeconds();
            double loadCpu = cpu(selfStart, selfEnd);
            double serverCpu = cpu(serverStart, serverEnd);
            double others = machineStart.isPresent() && machineEnd.isPresent()
                    ? machineEnd.getAsDouble() - machineStart.getAsDouble() - loadCpu - (Double.isNaN(serverCpu) ? 0 : serverCpu)
                    : Double.NaN;
            return new RunResult(settings.label(), options.mode().name().toLowerCase(Locale.ROOT),
                    options.decode().name().toLowerCase(Locale.ROOT), options.clients(), workload.services().size(),
                    workload.endpointCount(),
                    new RunResult.Initial(obs.readyCount(), Percentiles.of(readySeconds(fleet))),
                    changes, burst,
                    new RunResult.Traffic(obs.bytesReceived(), obs.bytesSent(), initialBytes / options.clients(), obs.nacks(),
                            obs.lastNack(), obs.streamFailures(), obs.lastFailure()),
                    server(serverStart, serverReady, serverEnd, heap, live),
                    loadCpu, Math.max(0, others), (System.nanoTime() - fleet.startNanos()) / NANOS);
        }
    }

    private boolean awaitReady(ClientFleet fleet) throws InterruptedException {
        Observations obs = fleet.observations();
        long deadline = fleet.startNanos() + settings.readyTimeout().toNanos();
        while (!obs.awaitAllReady(5, TimeUnit.SECONDS)) {
            if (obs.unimplemented()) {
                log("  the server does not implement this ADS method: %s", obs.lastFailure());
                return false;
            }
            log("  ready %d/%d after %.1f s (stream failures %d, NACKs %d)", obs.readyCount(), settings.fleet().clients(),
                    (System.nanoTime() - fleet.startNanos()) / NANOS, obs.streamFailures(), obs.nacks());
            if (System.nanoTime() > deadline) {
                log("  gave up after %s: %d clients not ready; last stream failure: %s", settings.readyTimeout(),
                        settings.fleet().clients() - obs.readyCount(), obs.lastFailure());
                return false;
            }
        }
        log("  all %d ready after %.2f s", obs.readyCount(), (System.nanoTime() - fleet.startNanos()) / NANOS);
        return true;
    }

    private static double[] readySeconds(ClientFleet fleet) {
        long[] ready = fleet.observations().readyNanos();
        double[] out = new double[ready.length];
        int n = 0;
        for (long r : ready) {
            if (r != 0) {
                out[n++] = (r - fleet.startNanos()) / NANOS;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * The server's CPU at rest, in cores, over the idle window: what it spends with nothing to push (timers, GC,
     * compilation), taken out of the CPU per change. NaN without a server pid or a window.
     */
    private double idleCores() throws InterruptedException {
        if (settings.serverPid() <= 0 || settings.idleWindow().isZero()) {
            return Double.NaN;
        }
        Optional<ProcSample> start = serverSample();
        long startNanos = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(settings.idleWindow().toNanos());
        double cores = cpu(start, serverSample()) / ((System.nanoTime() - startNanos) / NANOS);
        log("  server at rest: %.3f cores over %s", cores, settings.idleWindow());
        return cores;
    }

    private RunResult.Changes singleChanges(ClientFleet fleet, EndpointMutator mutator, double idleCores) throws InterruptedException {
        if (settings.changes() == 0) {
            return RunResult.Changes.NONE;
        }
        long bytesBefore = fleet.observations().bytesReceived();
        long edsBefore = fleet.observations().responses(XdsType.EDS);
        Optional<ProcSample> cpuStart = serverSample();
        double jitStart = compilerSeconds();
        long startNanos = System.nanoTime();
        List<ChangeTracker.Watch> watches = paced(fleet, mutator, settings.changes(), settings.changeInterval(), "change");
        double[] seconds = awaitAll(watches);
        double cpu = cpu(cpuStart, serverSample());
        double jitPerChange = (compilerSeconds() - jitStart) / watches.size();
        double wall = (System.nanoTime() - startNanos) / NANOS;
        double cpuPerChange = (cpu - (Double.isNaN(idleCores) ? 0 : idleCores * wall)) / watches.size();
        long edsResponses = fleet.observations().responses(XdsType.EDS) - edsBefore;
        double bytesPerClient = (fleet.observations().bytesReceived() - bytesBefore) / (double) settings.fleet().clients() / watches.size();
        log("  %d/%d changes reached every client (%d EDS responses, %.0f bytes per client per change)",
                seconds.length, watches.size(), edsResponses, bytesPerClient);
        return new RunResult.Changes(watches.size(), seconds.length, Percentiles.of(seconds), Percentiles.of(firstSeconds(watches)),
                bytesPerClient, cpuPerChange, jitPerChange, idleCores);
    }

    private static double[] firstSeconds(List<ChangeTracker.Watch> watches) {
        double[] out = new double[watches.size()];
        int n = 0;
        for (ChangeTracker.Watch w : watches) {
            long first = w.nanosToFirst();
            if (first >= 0) {
                out[n++] = first / NANOS;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private RunResult.Burst burst(ClientFleet fleet, EndpointMutator mutator) throws InterruptedException {
        // Let the single changes' pushes drain, so the burst starts from a quiet server.
        Thread.sleep(settings.changeInterval().toMillis());
        int count = (int) Math.max(1, settings.burstRate() * settings.burstDuration().toMillis() / 1000);
        long edsBefore = fleet.observations().responses(XdsType.EDS);
        Optional<ProcSample> cpuStart = serverSample();
        long startNanos = System.nanoTime();
        List<ChangeTracker.Watch> watches = paced(fleet, mutator, count, Duration.ofNanos(1_000_000_000L / settings.burstRate()), "burst");
        double[] seconds = awaitAll(watches);
        double cores = cpu(cpuStart, serverSample()) / ((System.nanoTime() - startNanos) / NANOS);
        ChangeTracker.Watch last = watches.get(watches.size() - 1);
        double lastToAll = last.complete() ? last.nanosToAll() / NANOS : Double.NaN;
        double everyToAll = Double.NaN;
        if (seconds.length == watches.size()) {
            long latest = 0;
            for (ChangeTracker.Watch w : watches) {
                latest = Math.max(latest, w.lastNanos());
            }
            everyToAll = (latest - last.startNanos()) / NANOS;
        }
        double edsPerClient = (fleet.observations().responses(XdsType.EDS) - edsBefore) / (double) settings.fleet().clients();
        log("  burst: %d changes in %s, the last reached every client %.3f s after it, all of them %.3f s after it; %.1f EDS responses per client",
                count, settings.burstDuration(), lastToAll, everyToAll, edsPerClient);
        Percentiles after = Percentiles.NONE;
        if (settings.afterBurstChanges() > 0) {
            Thread.sleep(settings.changeInterval().toMillis());
            after = Percentiles.of(awaitAll(paced(fleet, mutator, settings.afterBurstChanges(), settings.changeInterval(), "after burst")));
        }
        return new RunResult.Burst(count, seconds.length, lastToAll, everyToAll, edsPerClient, after, Percentiles.of(seconds), cores);
    }

    /** Makes {@code count} changes {@code interval} apart, each registered before its file is written. */
    private List<ChangeTracker.Watch> paced(ClientFleet fleet, EndpointMutator mutator, int count, Duration interval, String what)
            throws InterruptedException {
        List<ChangeTracker.Watch> watches = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long due = start + i * interval.toNanos();
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            EndpointChange change = mutator.next();
            ChangeTracker.Watch w = fleet.changes().expect(change.clusterName(), change.newAddress(), System.nanoTime());
            WorkloadDir.replace(settings.configDir(), change.after());
            watches.add(w);
            if (interval.toMillis() >= 1000 && i > 0) {
                ChangeTracker.Watch previous = watches.get(i - 1);
                log("  %s %d: %s", what, i, previous.complete()
                        ? String.format(Locale.ROOT, "%.3f s", previous.nanosToAll() / NANOS)
                        : previous.reachedCount() + "/" + settings.fleet().clients() + " clients so far");
            }
        }
        return watches;
    }

    /** Waits for each change until {@code changeTimeout} after it was made; the durations of those that completed. */
    private double[] awaitAll(List<ChangeTracker.Watch> watches) throws InterruptedException {
        double[] out = new double[watches.size()];
        int n = 0;
        for (ChangeTracker.Watch w : watches) {
            long left = w.startNanos() + settings.changeTimeout().toNanos() - System.nanoTime();
            if (w.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                out[n++] = w.nanosToAll() / NANOS;
            } else {
                w.abandon();
                log("  a change did not reach every client within %s: %d/%d", settings.changeTimeout(), w.reachedCount(),
                        settings.fleet().clients());
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private double compilerSeconds() {
        return settings.serverPid() > 0 ? proc.compilerSeconds(settings.serverPid()).orElse(Double.NaN) : Double.NaN;
    }

    private Optional<ProcSample> serverSample() {
        return settings.serverPid() > 0 ? proc.sample(settings.serverPid()) : Optional.empty();
    }

    private static RunResult.Server server(Optional<ProcSample> start, Optional<ProcSample> ready, Optional<ProcSample> end,
                                           Optional<HeapInfo.Heap> heap, Optional<HeapInfo.Heap> live) {
        if (start.isEmpty() || ready.isEmpty() || end.isEmpty()) {
            return RunResult.Server.NONE;
        }
        return new RunResult.Server(start.get().rssMiB(), ready.get().rssMiB(), end.get().rssMiB(),
                ready.get().cpuSeconds() - start.get().cpuSeconds(), end.get().cpuSeconds() - ready.get().cpuSeconds(),
                heap.map(h -> h.usedBytes() / MIB).orElse(Double.NaN),
                live.map(h -> h.usedBytes() / MIB).orElse(Double.NaN),
                heap.map(h -> h.committedBytes() / MIB).orElse(Double.NaN));
    }

    private static double cpu(Optional<ProcSample> start, Optional<ProcSample> end) {
        return start.isPresent() && end.isPresent() ? end.get().cpuSeconds() - start.get().cpuSeconds() : Double.NaN;
    }

    private void log(String format, Object... args) {
        progress.println(String.format(Locale.ROOT, format, args));
        progress.flush();
    }
}
