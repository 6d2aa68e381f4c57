package io.pilot4j.load.run;

import io.pilot4j.load.measure.Percentiles;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run measured; seconds and MiB unless a name says otherwise. NaN where nothing was measured.
 *
 * @param otherCpuSeconds CPU time the rest of the machine (neither the server nor the tool) took during the run:
 *                        the noise in the figures
 */
public record RunResult(
        String label, String mode, String decode, int clients, int services, int endpoints,
        Initial initial, Changes changes, Burst burst, Traffic traffic, Server server, double loadCpuSeconds,
        double otherCpuSeconds, double wallSeconds) {

    /** Time from the fleet's start until each client held CDS, EDS, LDS and RDS in full. */
    public record Initial(int ready, Percentiles seconds) {
    }

    /**
     * Per change, the time from writing it until the last client held it, and until the first did.
     *
     * @param serverCpuPerChange the server's CPU from the first change until every change reached every client, less
     *                           its CPU at rest over as long (measured in the idle window), per change
     * @param serverJitPerChange of that, what the server's JIT compiler threads took, per change: a server still
     *                           compiling its change path, not serving
     * @param serverIdleCores    the server's CPU at rest, in cores, from the idle window
     */
    public record Changes(int made, int reachedAll, Percentiles seconds, Percentiles firstSeconds, double edsBytesPerClientPerChange,
                          double serverCpuPerChange, double serverJitPerChange, double serverIdleCores) {
        public static final Changes NONE = new Changes(0, 0, Percentiles.NONE, Percentiles.NONE, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN);
    }

    /**
     * @param lastToAll       from the burst's last change until every client held it
     * @param everyToAll      from the burst's last change until every client held every change of the burst
     * @param edsPerClient    EDS responses each client got during the burst: fewer than its changes means merged
     * @param afterSeconds    single changes after the burst: a grown backlog shows here
     * @param seconds         per change of the burst, from writing it until the last client held it
     * @param serverCores     the server's CPU from the burst's first change until every change reached every client,
     *                        over that time: the cores it averaged
     */
    public record Burst(int made, int reachedAll, double lastToAll, double everyToAll, double edsPerClient, Percentiles afterSeconds,
                        Percentiles seconds, double serverCores) {
        public static final Burst NONE = new Burst(0, 0, Double.NaN, Double.NaN, Double.NaN, Percentiles.NONE, Percentiles.NONE, Double.NaN);
    }

    public record Traffic(long bytesReceived, long bytesSent, long initialBytesPerClient, long nacks, String lastNack,
                          long streamFailures, String lastFailure) {
    }

    /** The server process, when its pid was given: RSS and CPU at start, after initial convergence, at the end. */
    public record Server(double rssStart, double rssReady, double rssEnd, double cpuToReady, double cpuAfterReady,
                         double heapUsedReady, double heapLiveReady, double heapCommitted) {
        public static final Server NONE = new Server(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN);
    }

    /** Flat, stable keys: the JSON report, and what {@code compare} reads back. */
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("label", label);
        f.put("mode", mode);
        f.put("decode", decode);
        f.put("clients", clients);
        f.put("services", services);
        f.put("endpoints", endpoints);
        f.put("initial_ready", initial.ready());
        put(f, "initial", initial.seconds());
        f.put("changes_made", changes.made());
        f.put("changes_reached_all", changes.reachedAll());
        put(f, "change", changes.seconds());
        put(f, "change_first", changes.firstSeconds());
        f.put("server_cpu_per_change_s", changes.serverCpuPerChange());
        f.put("server_jit_per_change_s", changes.serverJitPerChange());
        f.put("server_idle_cores", changes.serverIdleCores());
        f.put("change_eds_bytes_per_client", changes.edsBytesPerClientPerChange());
        f.put("burst_changes", burst.made());
        f.put("burst_reached_all", burst.reachedAll());
        f.put("burst_last_to_all_s", burst.lastToAll());
        f.put("burst_every_to_all_s", burst.everyToAll());
        f.put("burst_eds_responses_per_client", burst.edsPerClient());
        put(f, "burst_change", burst.seconds());
        f.put("burst_server_cores", burst.serverCores());
        put(f, "after_burst_change", burst.afterSeconds());
        f.put("bytes_received", traffic.bytesReceived());
        f.put("bytes_sent", traffic.bytesSent());
        f.put("initial_bytes_per_client", traffic.initialBytesPerClient());
        f.put("nacks", traffic.nacks());
        f.put("last_nack", traffic.lastNack());
        f.put("stream_failures", traffic.streamFailures());
        f.put("last_stream_failure", traffic.lastFailure());
        f.put("server_rss_start_mib", server.rssStart());
        f.put("server_rss_ready_mib", server.rssReady());
        f.put("server_rss_end_mib", server.rssEnd());
        f.put("server_cpu_to_ready_s", server.cpuToReady());
        f.put("server_cpu_after_ready_s", server.cpuAfterReady());
        f.put("server_heap_used_ready_mib", server.heapUsedReady());
        f.put("server_heap_live_ready_mib", server.heapLiveReady());
        f.put("server_heap_committed_mib", server.heapCommitted());
        f.put("load_cpu_s", loadCpuSeconds);
        f.put("other_cpu_s", otherCpuSeconds);
        f.put("wall_s", wallSeconds);
        return f;
    }

    private static void put(Map<String, Object> f, String prefix, Percentiles p) {
        f.put(prefix + "_p50_s", p.p50());
        f.put(prefix + "_p99_s", p.p99());
        f.put(prefix + "_max_s", p.max());
    }
}
