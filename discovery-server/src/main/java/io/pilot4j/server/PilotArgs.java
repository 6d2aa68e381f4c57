package io.pilot4j.server;

import io.pilot4j.push.PushTuning;
import io.pilot4j.serviceregistry.kube.KubeOptions;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the discovery server is started with (Istio's bootstrap.PilotArgs), already validated.
 *
 * @param monitoringAddr     where /metrics is served (Istio's --monitoringAddr)
 * @param meshConfig         the mesh config file
 * @param meshConfigExplicit true when the user named the file: then a missing file is an error, not a default
 * @param configDir          the --configDir registry, or null
 * @param kube               the Kubernetes registry, or null when there is no cluster to read
 * @param debounceAfter      Istio's PILOT_DEBOUNCE_AFTER: a push waits until changes have paused this long
 * @param debounceMax        Istio's PILOT_DEBOUNCE_MAX: and never longer than this after the first change it carries
 * @param pushThrottle       Istio's PILOT_PUSH_THROTTLE: connections being pushed at once
 * @param maxRequestsPerSecond Istio's PILOT_MAX_REQUESTS_PER_SECOND: new ADS streams admitted per second
 * @param maxServerConnectionAge Istio's --keepaliveMaxServerConnectionAge: how long a client connection may live
 *                           before the server closes it gracefully, so clients spread over replicas; null for ever
 */
public record PilotArgs(
        InetSocketAddress grpcAddr,
        InetSocketAddress httpAddr,
        InetSocketAddress monitoringAddr,
        Path meshConfig,
        boolean meshConfigExplicit,
        Path configDir,
        KubeOptions kube,
        String domain,
        Duration debounceAfter,
        Duration debounceMax,
        int pushThrottle,
        double maxRequestsPerSecond,
        Duration maxServerConnectionAge) {

    public static final Duration DEFAULT_DEBOUNCE_AFTER = PushTuning.DEFAULT_DEBOUNCE_AFTER;
    public static final Duration DEFAULT_DEBOUNCE_MAX = PushTuning.DEFAULT_DEBOUNCE_MAX;

    /** With Istio's defaults for the push limits and connections that live for ever. */
    public PilotArgs(InetSocketAddress grpcAddr, InetSocketAddress httpAddr, InetSocketAddress monitoringAddr, Path meshConfig,
                     boolean meshConfigExplicit, Path configDir, KubeOptions kube, String domain, Duration debounceAfter, Duration debounceMax) {
        this(grpcAddr, httpAddr, monitoringAddr, meshConfig, meshConfigExplicit, configDir, kube, domain, debounceAfter, debounceMax,
                PushTuning.scaledToCores(), PushTuning.scaledToCores(), null);
    }

    public PilotArgs {
        Objects.requireNonNull(grpcAddr, "grpcAddr");
        Objects.requireNonNull(httpAddr, "httpAddr");
        Objects.requireNonNull(monitoringAddr, "monitoringAddr");
        Objects.requireNonNull(meshConfig, "meshConfig");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(debounceAfter, "debounceAfter");
        Objects.requireNonNull(debounceMax, "debounceMax");
        new PushTuning(debounceAfter, debounceMax, pushThrottle, maxRequestsPerSecond);
    }

    /** The push pipeline's settings; validates them. */
    public PushTuning tuning() {
        return new PushTuning(debounceAfter, debounceMax, pushThrottle, maxRequestsPerSecond);
    }
}
