package io.pilot4j.translate.cluster;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.UpstreamConnectionOptions;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.ProxyProtocolConfig;
import io.envoyproxy.envoy.config.core.v3.RuntimeDouble;
import io.envoyproxy.envoy.config.core.v3.TcpKeepalive;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.core.v3.UpstreamHttpProtocolOptions;
import io.envoyproxy.envoy.extensions.transport_sockets.proxy_protocol.v3.ProxyProtocolUpstreamTransport;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.v3.Percent;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.networking.ClientTlsSettings;
import io.pilot4j.model.networking.ConnectionPoolSettings;
import io.pilot4j.model.networking.LoadBalancerSettings;
import io.pilot4j.model.networking.OutlierDetection;
import io.pilot4j.model.networking.TrafficPolicy;
import io.pilot4j.translate.SubjectAltNames;

import java.util.Optional;

/**
 * A DestinationRule's traffic policy (already merged for one port and subset) applied to an Envoy cluster, as
 * Istio's cluster_traffic_policy.go and cluster_tls.go do: load balancer (with warmup), connection pool (circuit
 * breakers, HTTP options, TCP keepalive), retry budget, outlier detection, upstream TLS with file paths, and the PROXY
 * protocol. Locality settings are applied by {@link io.pilot4j.translate.endpoint.LocalityLoadBalancer}, also to
 * clusters no rule covers. What cannot be honoured yet (tunnel, credentialName, ISTIO_MUTUAL) never gets here: the
 * conversion rejects such rules.
 */
public final class ClusterTrafficPolicy {
    /** Envoy's default ring size, which Istio sets explicitly when the rule gives none. */
    static final long DEFAULT_MINIMUM_RING_SIZE = 1024;

    private ClusterTrafficPolicy() {
    }

    /**
     * @param http2 the cluster already speaks HTTP/2 upstream (a gRPC or HTTP/2 port)
     */
    public static void apply(Cluster.Builder c, TrafficPolicy policy, Protocol protocol, boolean http2) {
        policy.loadBalancer().ifPresent(lb -> applyLoadBalancer(c, lb));
        policy.connectionPool().ifPresent(cp -> applyConnectionPool(c, cp, protocol, http2));
        policy.retryBudget().ifPresent(budget -> applyRetryBudget(c, budget));
        policy.outlierDetection().ifPresent(od -> applyOutlierDetection(c, od));
        policy.tls().ifPresent(tls -> applyTls(c, tls, protocol.isHttp(), http2));
        policy.proxyProtocol().ifPresent(version -> applyProxyProtocol(c, version));
    }

    /** Istio's applyLoadBalancer; without a simple policy, Istio's default LEAST_REQUEST (applySimpleDefaultLoadBalancer). */
    static void applyLoadBalancer(Cluster.Builder c, LoadBalancerSettings lb) {
        // The original destination is the only host an ORIGINAL_DST cluster can pick (Istio skips it too).
        if (c.getType() == Cluster.DiscoveryType.ORIGINAL_DST) {
            return;
        }
        switch (lb.simple()) {
            case LEAST_CONN, LEAST_REQUEST, UNSPECIFIED -> {
                // The default warms up as an explicit LEAST_REQUEST does.
                c.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
                lb.warmup().ifPresent(w -> c.setLeastRequestLbConfig(Cluster.LeastRequestLbConfig.newBuilder().setSlowStartConfig(slowStart(w))));
            }
            case RANDOM -> c.setLbPolicy(Cluster.LbPolicy.RANDOM);
            case ROUND_ROBIN -> {
                c.setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
                lb.warmup().ifPresent(w -> c.setRoundRobinLbConfig(Cluster.RoundRobinLbConfig.newBuilder().setSlowStartConfig(slowStart(w))));
            }
            case PASSTHROUGH -> {
                c.setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).setType(Cluster.DiscoveryType.ORIGINAL_DST)
                        .clearEdsClusterConfig().clearLoadAssignment();
            }
        }
        lb.consistentHash().ifPresent(hash -> {
            if (hash.maglev()) {
                c.setLbPolicy(Cluster.LbPolicy.MAGLEV).clearLbConfig(); // a warmup set above has no meaning for maglev
                if (hash.maglevTableSize() > 0) {
                    c.setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(hash.maglevTableSize())));
                }
            } else {
                long size = hash.minimumRingSize() > 0 ? hash.minimumRingSize() : DEFAULT_MINIMUM_RING_SIZE;
                c.setLbPolicy(Cluster.LbPolicy.RING_HASH)
                        .setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(size)));
            }
        });
    }

    /** Envoy's slow start: new endpoints' weight ramps up over the window (Istio's setSlowStartConfig and warmup). */
    private static Cluster.SlowStartConfig slowStart(LoadBalancerSettings.Warmup w) {
        Cluster.SlowStartConfig.Builder out = Cluster.SlowStartConfig.newBuilder().setSlowStartWindow(proto(w.duration()));
        w.aggression().ifPresent(a -> out.setAggression(RuntimeDouble.newBuilder().setDefaultValue(a)
                .setRuntimeKey("upstream.istio.slow_start_aggression")));
        w.minimumPercent().ifPresent(m -> out.setMinWeightPercent(Percent.newBuilder().setValue(m)));
        return out.build();
    }

    /** Istio's applyConnectionPool: limits become the circuit breaker thresholds, the rest HTTP protocol options. */
    static void applyConnectionPool(Cluster.Builder c, ConnectionPoolSettings cp, Protocol protocol, boolean http2) {
        CircuitBreakers.Thresholds.Builder t = DefaultCircuitBreakers.unlimitedThresholds().toBuilder();
        Optional<com.google.protobuf.Duration> idleTimeout = Optional.empty();
        int maxRequestsPerConnection = 0;
        int maxConcurrentStreams = 0;
        Optional<com.google.protobuf.Duration> maxConnectionDuration = Optional.empty();
        boolean upgrade = false;
        boolean useClientProtocol = false;
        if (cp.http().isPresent()) {
            ConnectionPoolSettings.Http h = cp.http().get();
            if (h.http2MaxRequests() > 0) {
                t.setMaxRequests(UInt32Value.of(h.http2MaxRequests()));
            }
            if (h.http1MaxPendingRequests() > 0) {
                t.setMaxPendingRequests(UInt32Value.of(h.http1MaxPendingRequests()));
            }
            if (h.maxRetries() > 0) {
                t.setMaxRetries(UInt32Value.of(h.maxRetries()));
            }
            idleTimeout = h.idleTimeout().map(ClusterTrafficPolicy::proto);
            maxRequestsPerConnection = h.maxRequestsPerConnection();
            maxConcurrentStreams = h.maxConcurrentStreams();
            upgrade = h.h2UpgradePolicy().equals("UPGRADE") && protocol == Protocol.HTTP;
            useClientProtocol = h.useClientProtocol();
        }
        if (cp.tcp().isPresent()) {
            ConnectionPoolSettings.Tcp tcp = cp.tcp().get();
            tcp.connectTimeout().ifPresent(d -> c.setConnectTimeout(proto(d)));
            if (tcp.maxConnections() > 0) {
                t.setMaxConnections(UInt32Value.of(tcp.maxConnections()));
            }
            maxConnectionDuration = tcp.maxConnectionDuration().map(ClusterTrafficPolicy::proto);
            if (idleTimeout.isEmpty()) {
                idleTimeout = tcp.idleTimeout().map(ClusterTrafficPolicy::proto);
            }
            tcp.tcpKeepalive().ifPresent(k -> c.setUpstreamConnectionOptions(UpstreamConnectionOptions.newBuilder().setTcpKeepalive(tcpKeepalive(k))));
        }
        c.setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(t));

        if (!protocol.isHttp()) {
            return;
        }
        boolean needsOptions = idleTimeout.isPresent() || maxRequestsPerConnection > 0 || maxConnectionDuration.isPresent()
                || upgrade || useClientProtocol || (http2 && maxConcurrentStreams > 0);
        if (!needsOptions) {
            return;
        }
        HttpProtocolOptions.Builder options = HttpProtocolOptions.newBuilder();
        io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.Builder common = io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder();
        idleTimeout.ifPresent(common::setIdleTimeout);
        if (maxRequestsPerConnection > 0) {
            common.setMaxRequestsPerConnection(UInt32Value.of(maxRequestsPerConnection));
        }
        maxConnectionDuration.ifPresent(common::setMaxConnectionDuration);
        if (!common.build().equals(io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.getDefaultInstance())) {
            options.setCommonHttpProtocolOptions(common);
        }
        if (useClientProtocol) {
            options.setUseDownstreamProtocolConfig(HttpProtocolOptions.UseDownstreamHttpConfig.newBuilder()
                    .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance())
                    .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()));
        } else if (http2 || upgrade) {
            Http2ProtocolOptions.Builder h2 = Http2ProtocolOptions.newBuilder();
            if (maxConcurrentStreams > 0) {
                h2.setMaxConcurrentStreams(UInt32Value.of(maxConcurrentStreams));
            }
            options.setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder().setHttp2ProtocolOptions(h2));
        } else {
            // Envoy requires the upstream protocol to be chosen whenever these options are given.
            options.setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                    .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance()));
        }
        c.putTypedExtensionProtocolOptions(UpstreamHttpOptions.KEY, Any.pack(options.build()));
    }

    /** Istio's applyTCPKeepalive: what the rule gives, in whole seconds; the kernel's settings for the rest. */
    private static TcpKeepalive tcpKeepalive(ConnectionPoolSettings.TcpKeepalive k) {
        TcpKeepalive.Builder out = TcpKeepalive.newBuilder();
        if (k.probes() > 0) {
            out.setKeepaliveProbes(UInt32Value.of(k.probes()));
        }
        k.time().ifPresent(t -> out.setKeepaliveTime(UInt32Value.of((int) Math.max(1, t.toSeconds()))));
        k.interval().ifPresent(i -> out.setKeepaliveInterval(UInt32Value.of((int) Math.max(1, i.toSeconds()))));
        return out.build();
    }

    /** Istio's retryBudget: the circuit breaker's retry budget, in place of max_retries. */
    static void applyRetryBudget(Cluster.Builder c, TrafficPolicy.RetryBudget budget) {
        if (c.getCircuitBreakers().getThresholdsCount() == 0) {
            c.setCircuitBreakers(DefaultCircuitBreakers.get());
        }
        CircuitBreakers.Thresholds.RetryBudget.Builder b = CircuitBreakers.Thresholds.RetryBudget.newBuilder();
        budget.percent().ifPresent(p -> b.setBudgetPercent(Percent.newBuilder().setValue(p)));
        budget.minRetryConcurrency().ifPresent(m -> b.setMinRetryConcurrency(UInt32Value.of(m)));
        c.getCircuitBreakersBuilder().getThresholdsBuilder(0).setRetryBudget(b);
    }

    /** Istio's applyOutlierDetection: consecutive-error ejection only, success-rate ejection off, no panic mode. */
    static void applyOutlierDetection(Cluster.Builder c, OutlierDetection od) {
        io.envoyproxy.envoy.config.cluster.v3.OutlierDetection.Builder out = io.envoyproxy.envoy.config.cluster.v3.OutlierDetection.newBuilder()
                .setEnforcingSuccessRate(UInt32Value.of(0));
        od.consecutive5xxErrors().ifPresent(v -> out.setConsecutive5Xx(UInt32Value.of(v))
                .setEnforcingConsecutive5Xx(UInt32Value.of(v > 0 ? 100 : 0)));
        od.consecutiveGatewayErrors().ifPresent(v -> out.setConsecutiveGatewayFailure(UInt32Value.of(v))
                .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(v > 0 ? 100 : 0)));
        od.interval().ifPresent(d -> out.setInterval(proto(d)));
        od.baseEjectionTime().ifPresent(d -> out.setBaseEjectionTime(proto(d)));
        if (od.maxEjectionPercent() > 0) {
            out.setMaxEjectionPercent(UInt32Value.of(od.maxEjectionPercent()));
        }
        if (od.splitExternalLocalOriginErrors()) {
            out.setSplitExternalLocalOriginErrors(true);
            if (od.consecutiveLocalOriginFailures() > 0) {
                out.setConsecutiveLocalOriginFailure(UInt32Value.of(od.consecutiveLocalOriginFailures()))
                        .setEnforcingConsecutiveLocalOriginFailure(UInt32Value.of(100));
            }
            out.setEnforcingLocalOriginSuccessRate(UInt32Value.of(0));
        }
        c.setOutlierDetection(out);
        // Envoy's panic mode (50% by default) would send traffic to ejected hosts of small services; Istio turns it
        // off unless minHealthPercent says otherwise.
        c.setCommonLbConfig(c.getCommonLbConfig().toBuilder().setHealthyPanicThreshold(Percent.newBuilder().setValue(od.minHealthPercent())));
    }

    /**
     * Istio's applyUpstreamTLSSettings for DISABLE, SIMPLE and MUTUAL with files (constructUpstreamTLS): the server's
     * certificate is verified against the given roots, else the system's, and its names (the rule's subjectAltNames,
     * else, on HTTP clusters without an SNI, the request's host), unless insecureSkipVerify; a CRL when given; h2 by
     * ALPN on HTTP/2 clusters. ISTIO_MUTUAL and credentialName never get here: the conversion rejects their rules,
     * since leaving them out would send plain text.
     */
    static void applyTls(Cluster.Builder c, ClientTlsSettings tls, boolean http, boolean http2) {
        if (tls.mode() == ClientTlsSettings.Mode.ISTIO_MUTUAL || !tls.credentialName().isEmpty()) {
            throw new IllegalArgumentException("tls " + tls.mode() + " with credentialName \"" + tls.credentialName()
                    + "\" cannot be served; the conversion should have rejected the rule");
        }
        if (tls.mode() == ClientTlsSettings.Mode.DISABLE) {
            return;
        }
        CommonTlsContext.Builder common = CommonTlsContext.newBuilder();
        if (!tls.insecureSkipVerify()) {
            CertificateValidationContext.Builder validation = CertificateValidationContext.newBuilder()
                    .setTrustedCa(file(tls.caCertificates().isEmpty() ? SYSTEM_ROOTS : tls.caCertificates()));
            tls.subjectAltNames().forEach(san -> validation.addMatchTypedSubjectAltNames(SubjectAltNames.matcher(san)));
            if (!tls.caCrl().isEmpty()) {
                validation.setCrl(file(tls.caCrl()));
            }
            common.setValidationContext(validation);
        }
        if (tls.mode() == ClientTlsSettings.Mode.MUTUAL) {
            common.addTlsCertificates(TlsCertificate.newBuilder()
                    .setCertificateChain(file(tls.clientCertificate()))
                    .setPrivateKey(file(tls.privateKey())));
        }
        if (http2) {
            common.addAlpnProtocols("h2");
        }
        UpstreamTlsContext.Builder context = UpstreamTlsContext.newBuilder().setCommonTlsContext(common);
        if (!tls.sni().isEmpty()) {
            context.setSni(tls.sni());
        } else if (http) {
            // Istio's setAutoSniAndAutoSanValidation: the SNI, and the names checked, follow each request's host.
            boolean autoSan = tls.subjectAltNames().isEmpty() && !tls.insecureSkipVerify();
            UpstreamHttpOptions.withUpstreamOptions(c, http2, UpstreamHttpProtocolOptions.newBuilder()
                    .setAutoSni(true).setAutoSanValidation(autoSan).build());
        }
        c.setTransportSocket(TransportSocket.newBuilder()
                .setName("envoy.transport_sockets.tls")
                .setTypedConfig(Any.pack(context.build())));
    }

    /** Istio's applyUpstreamProxyProtocol: the PROXY header first, then what the transport socket sends (TLS or raw). */
    static void applyProxyProtocol(Cluster.Builder c, TrafficPolicy.ProxyProtocol version) {
        TransportSocket inner = c.hasTransportSocket() ? c.getTransportSocket() : TransportSocket.newBuilder()
                .setName("envoy.transport_sockets.raw_buffer")
                .setTypedConfig(Any.pack(RawBuffer.getDefaultInstance()))
                .build();
        c.setTransportSocket(TransportSocket.newBuilder()
                .setName("envoy.transport_sockets.upstream_proxy_protocol")
                .setTypedConfig(Any.pack(ProxyProtocolUpstreamTransport.newBuilder()
                        .setConfig(ProxyProtocolConfig.newBuilder().setVersion(version == TrafficPolicy.ProxyProtocol.V2
                                ? ProxyProtocolConfig.Version.V2 : ProxyProtocolConfig.Version.V1))
                        .setTransportSocket(inner)
                        .build())));
    }

    /** Where Debian, Ubuntu and Alpine, Istio's proxy image among them, keep the system's roots. */
    static final String SYSTEM_ROOTS = "/etc/ssl/certs/ca-certificates.crt";

    private static DataSource file(String path) {
        return DataSource.newBuilder().setFilename(path).build();
    }

    static com.google.protobuf.Duration proto(java.time.Duration d) {
        return Durations.fromNanos(d.toNanos());
    }
}
