package io.pilot4j.kube.networking;

import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHash;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBHttpCookie;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBRingHash;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBHttpHeaderName;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBHttpQueryParameterName;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBMaglev;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBUseSourceIp;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsSimple;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.net.DnsNames;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.FieldPath;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.serviceentry.ServiceEntryValidation;
import io.pilot4j.mesh.LocalityLbSetting;
import io.pilot4j.mesh.LocalityLbSettingValidator;
import io.pilot4j.model.networking.ClientTlsSettings;
import io.pilot4j.model.networking.ConnectionPoolSettings;
import io.pilot4j.model.networking.DestinationRule;
import io.pilot4j.model.networking.LoadBalancerSettings;
import io.pilot4j.model.networking.OutlierDetection;
import io.pilot4j.model.networking.TrafficPolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * An Istio DestinationRule (v1, v1beta1 or v1alpha3) to the model, validated as Istio's ValidateDestinationRule does
 * for what pilot4j reads: host, subsets (named, unique), and each traffic policy (top level, per port, per subset).
 */
public final class DestinationRuleConversion {
    private static final FieldPath SPEC = FieldPath.of("spec");

    private DestinationRuleConversion() {
    }

    public static Result<DestinationRule> convert(HasMetadata object, io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule spec,
                                                  String domainSuffix) {
        FieldErrors errors = RuleFields.opening(object, spec);
        if (spec == null) {
            return Result.invalid(errors.toList());
        }
        String namespace = Metadata.namespace(object);
        RuleFields.checkHost(spec.getHost(), SPEC.child("host"), errors);
        String host = spec.getHost() == null ? "" : RuleFields.resolveHost(spec.getHost(), namespace, domainSuffix);
        List<String> exportTo = RuleFields.list(spec.getExportTo());
        ServiceEntryValidation.validateExportTo(exportTo, namespace, errors);
        TrafficPolicy policy = trafficPolicy(spec.getTrafficPolicy(), SPEC.child("trafficPolicy"), errors);

        List<DestinationRule.Subset> subsets = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        var specSubsets = RuleFields.list(spec.getSubsets());
        for (int i = 0; i < specSubsets.size(); i++) {
            FieldPath p = SPEC.child("subsets").index(i);
            var s = specSubsets.get(i);
            if (s == null) {
                errors.add(p, "must not be null");
                continue;
            }
            String name = s.getName() == null ? "" : s.getName();
            if (name.isEmpty()) {
                errors.add(p.child("name"), "required: a subset needs a name");
            } else if (!DnsNames.isLabel(name)) {
                errors.add(p.child("name"), "\"" + name + "\" is not a valid subset name (lowercase letters, digits and '-', at most 63)");
            } else {
                Integer other = names.putIfAbsent(name, i);
                if (other != null) {
                    errors.add(p.child("name"), "duplicate subset name \"" + name + "\" (also " + SPEC.child("subsets").index(other) + ")");
                }
            }
            Optional<TrafficPolicy> subsetPolicy = s.getTrafficPolicy() == null ? Optional.empty()
                    : Optional.of(trafficPolicy(s.getTrafficPolicy(), p.child("trafficPolicy"), errors));
            subsets.add(new DestinationRule.Subset(name, RuleFields.labels(s.getLabels()), subsetPolicy));
        }
        Map<String, String> selector = spec.getWorkloadSelector() == null ? Map.of()
                : RuleFields.labels(spec.getWorkloadSelector().getMatchLabels());
        return errors.toResult(() -> new DestinationRule(RuleFields.meta(object), host, exportTo, policy, subsets, selector));
    }

    static TrafficPolicy trafficPolicy(io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy p, FieldPath path, FieldErrors errors) {
        if (p == null) {
            return TrafficPolicy.NONE;
        }
        List<TrafficPolicy.PortTrafficPolicy> ports = new ArrayList<>();
        Map<Integer, Integer> seen = new HashMap<>();
        var specPorts = RuleFields.list(p.getPortLevelSettings());
        for (int i = 0; i < specPorts.size(); i++) {
            FieldPath pp = path.child("portLevelSettings").index(i);
            var s = specPorts.get(i);
            if (s == null) {
                errors.add(pp, "must not be null");
                continue;
            }
            int port = 0;
            if (s.getPort() == null || s.getPort().getNumber() == null) {
                errors.add(pp.child("port").child("number"), "required");
            } else if (errors.checkPort(pp.child("port").child("number"), s.getPort().getNumber())) {
                port = s.getPort().getNumber().intValue();
                Integer other = seen.putIfAbsent(port, i);
                if (other != null) {
                    errors.add(pp.child("port").child("number"), "port " + port + " is already set by "
                            + path.child("portLevelSettings").index(other));
                }
            }
            ports.add(new TrafficPolicy.PortTrafficPolicy(port,
                    loadBalancer(s.getLoadBalancer(), pp.child("loadBalancer"), errors),
                    connectionPool(s.getConnectionPool(), pp.child("connectionPool"), errors),
                    outlierDetection(s.getOutlierDetection(), pp.child("outlierDetection"), errors),
                    tls(s.getTls(), pp.child("tls"), errors)));
        }
        if (p.getTunnel() != null) {
            errors.add(path.child("tunnel"), "not supported yet: pilot4j does not tunnel upstream connections (HTTP CONNECT), and the rule "
                    + "is rejected rather than its traffic sent untunnelled");
        }
        return new TrafficPolicy(loadBalancer(p.getLoadBalancer(), path.child("loadBalancer"), errors),
                connectionPool(p.getConnectionPool(), path.child("connectionPool"), errors),
                outlierDetection(p.getOutlierDetection(), path.child("outlierDetection"), errors),
                tls(p.getTls(), path.child("tls"), errors), proxyProtocol(p.getProxyProtocol()),
                retryBudget(p.getRetryBudget(), path.child("retryBudget"), errors), ports);
    }

    private static Optional<TrafficPolicy.ProxyProtocol> proxyProtocol(io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicyProxyProtocol p) {
        if (p == null) {
            return Optional.empty();
        }
        // Istio's default version is V1.
        return Optional.of(p.getVersion() != null && p.getVersion().name().equals("V2") ? TrafficPolicy.ProxyProtocol.V2 : TrafficPolicy.ProxyProtocol.V1);
    }

    private static Optional<TrafficPolicy.RetryBudget> retryBudget(io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicyRetryBudget b,
                                                                  FieldPath path, FieldErrors errors) {
        if (b == null) {
            return Optional.empty();
        }
        if (b.getPercent() != null && (b.getPercent() < 0 || b.getPercent() > 100 || b.getPercent().isNaN())) {
            errors.add(path.child("percent"), b.getPercent() + " is out of range 0-100");
        }
        if (b.getMinRetryConcurrency() != null && b.getMinRetryConcurrency() < 0) {
            errors.add(path.child("minRetryConcurrency"), b.getMinRetryConcurrency() + " must not be negative");
        }
        return Optional.of(new TrafficPolicy.RetryBudget(
                b.getPercent() == null ? OptionalDouble.empty() : OptionalDouble.of(b.getPercent()),
                b.getMinRetryConcurrency() == null ? OptionalInt.empty() : OptionalInt.of(RuleFields.intValue(b.getMinRetryConcurrency()))));
    }

    private static Optional<LoadBalancerSettings> loadBalancer(io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettings lb,
                                                               FieldPath path, FieldErrors errors) {
        if (lb == null) {
            return Optional.empty();
        }
        LoadBalancerSettings.Simple simple = LoadBalancerSettings.Simple.UNSPECIFIED;
        Optional<LoadBalancerSettings.ConsistentHash> hash = Optional.empty();
        if (lb.getLbPolicy() instanceof LoadBalancerSettingsSimple s && s.getSimple() != null) {
            simple = LoadBalancerSettings.Simple.valueOf(s.getSimple().name());
        } else if (lb.getLbPolicy() instanceof LoadBalancerSettingsConsistentHash ch && ch.getConsistentHash() != null) {
            hash = consistentHash(ch.getConsistentHash(), path.child("consistentHash"), errors);
        }
        Optional<LocalityLbSetting> locality = Optional.empty();
        if (lb.getLocalityLbSetting() != null) {
            var l = lb.getLocalityLbSetting();
            List<LocalityLbSetting.Distribute> distribute = new ArrayList<>();
            for (var d : RuleFields.list(l.getDistribute())) {
                Map<String, Integer> to = new LinkedHashMap<>();
                RuleFields.map(d.getTo()).forEach((k, v) -> to.put(k, v == null ? 0 : v.intValue()));
                distribute.add(new LocalityLbSetting.Distribute(d.getFrom() == null ? "" : d.getFrom(), to));
            }
            List<LocalityLbSetting.Failover> failover = new ArrayList<>();
            for (var f : RuleFields.list(l.getFailover())) {
                failover.add(new LocalityLbSetting.Failover(f.getFrom() == null ? "" : f.getFrom(), f.getTo() == null ? "" : f.getTo()));
            }
            LocalityLbSetting setting = new LocalityLbSetting(!Boolean.FALSE.equals(l.getEnabled()), distribute, failover,
                    RuleFields.list(l.getFailoverPriority()));
            FieldPath settingPath = path.child("localityLbSetting");
            LocalityLbSettingValidator.validate(setting, (field, message) -> errors.add(
                    field.isEmpty() ? settingPath : FieldPath.of(settingPath + (field.startsWith("[") ? "" : ".") + field), message));
            locality = Optional.of(setting);
        }
        return Optional.of(new LoadBalancerSettings(simple, hash, locality, warmup(lb, path, errors)));
    }

    /** Istio's warmup, else the deprecated warmupDurationSecs; only ROUND_ROBIN and LEAST_REQUEST warm up, as in Envoy. */
    private static Optional<LoadBalancerSettings.Warmup> warmup(io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettings lb,
                                                              FieldPath path, FieldErrors errors) {
        if (lb.getWarmup() != null) {
            var w = lb.getWarmup();
            FieldPath p = path.child("warmup");
            Optional<Duration> duration = RuleFields.duration(w.getDuration(), p.child("duration"), errors);
            if (duration.isEmpty() && (w.getDuration() == null || w.getDuration().isEmpty())) {
                errors.required(p.child("duration"));
            }
            if (w.getMinimumPercent() != null && (w.getMinimumPercent() < 0 || w.getMinimumPercent() > 100)) {
                errors.add(p.child("minimumPercent"), w.getMinimumPercent() + " is out of range 0-100");
            }
            if (w.getAggression() != null && w.getAggression() <= 0) {
                errors.add(p.child("aggression"), w.getAggression() + " must be greater than 0");
            }
            return duration.map(d -> new LoadBalancerSettings.Warmup(d,
                    w.getMinimumPercent() == null ? OptionalDouble.empty() : OptionalDouble.of(w.getMinimumPercent()),
                    w.getAggression() == null ? OptionalDouble.empty() : OptionalDouble.of(w.getAggression())));
        }
        return RuleFields.duration(lb.getWarmupDurationSecs(), path.child("warmupDurationSecs"), errors)
                .map(d -> new LoadBalancerSettings.Warmup(d, OptionalDouble.empty(), OptionalDouble.empty()));
    }

    /** Envoy's Primes::isPrime, as Istio copies it. */
    private static boolean isPrime(long x) {
        if (x < 4) {
            return x != 0;
        }
        if ((x & 1) == 0) {
            return false;
        }
        long limit = (long) Math.sqrt((double) x);
        for (long factor = 3; factor <= limit; factor += 2) {
            if (x % factor == 0) {
                return false;
            }
        }
        return true;
    }

    private static Optional<LoadBalancerSettings.ConsistentHash> consistentHash(
            io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLB ch, FieldPath path, FieldErrors errors) {
        long ringSize = ch.getMinimumRingSize() == null ? 0 : ch.getMinimumRingSize();
        if (ch.getHashAlgorithm() instanceof LoadBalancerSettingsConsistentHashLBRingHash r) {
            if (ch.getMinimumRingSize() != null) {
                errors.add(path.child("minimumRingSize"), "only one of minimumRingSize or maglev/ringHash can be set");
            }
            ringSize = RingHash.minimumRingSize(r).orElse(0);
            if (ringSize < 0) {
                errors.add(path.child("ringHash").child("minimumRingSize"), ringSize + " must not be negative");
            }
        }
        boolean maglev = ch.getHashAlgorithm() instanceof LoadBalancerSettingsConsistentHashLBMaglev;
        long tableSize = 0;
        if (ch.getHashAlgorithm() instanceof LoadBalancerSettingsConsistentHashLBMaglev m && m.getMaglev() != null
                && m.getMaglev().getTableSize() != null) {
            tableSize = m.getMaglev().getTableSize();
        }
        if (maglev) {
            if (ch.getMinimumRingSize() != null) {
                errors.add(path.child("minimumRingSize"), "only one of minimumRingSize or maglev/ringHash can be set");
            }
            // Istio's checks, Envoy's rules: Envoy rejects the cluster otherwise.
            FieldPath p = path.child("maglev").child("tableSize");
            if (tableSize == 0) {
                errors.add(p, "required: tableSize must be set for maglev");
            } else if (tableSize >= 5000011) {
                errors.add(p, tableSize + " must be less than 5000011");
            } else if (!isPrime(tableSize)) {
                errors.add(p, tableSize + " must be a prime number");
            }
        }
        Object key = ch.getHashKey();
        if (key instanceof LoadBalancerSettingsConsistentHashLBHttpHeaderName h && h.getHttpHeaderName() != null) {
            return Optional.of(new LoadBalancerSettings.ConsistentHash(LoadBalancerSettings.ConsistentHash.HashKey.HTTP_HEADER_NAME,
                    h.getHttpHeaderName(), "", Optional.empty(), List.of(), ringSize, maglev, tableSize));
        }
        if (key instanceof LoadBalancerSettingsConsistentHashLBHttpCookie c && c.getHttpCookie() != null) {
            var cookie = c.getHttpCookie();
            if (cookie.getName() == null || cookie.getName().isEmpty()) {
                errors.add(path.child("httpCookie").child("name"), "required");
            }
            // Istio's checks: every attribute named, no name twice.
            List<LoadBalancerSettings.ConsistentHash.CookieAttribute> attributes = new ArrayList<>();
            var specAttributes = RuleFields.list(cookie.getAttributes());
            Set<String> names = new HashSet<>();
            for (int i = 0; i < specAttributes.size(); i++) {
                var a = specAttributes.get(i);
                FieldPath p = path.child("httpCookie").child("attributes").index(i);
                if (a == null || a.getName() == null || a.getName().isEmpty()) {
                    errors.add(p.child("name"), "required: a cookie attribute needs a name");
                } else if (!names.add(a.getName())) {
                    errors.add(p.child("name"), "duplicate cookie attribute name: " + a.getName());
                } else {
                    attributes.add(new LoadBalancerSettings.ConsistentHash.CookieAttribute(a.getName(), a.getValue()));
                }
            }
            return Optional.of(new LoadBalancerSettings.ConsistentHash(LoadBalancerSettings.ConsistentHash.HashKey.HTTP_COOKIE,
                    cookie.getName(), cookie.getPath(), RuleFields.duration(cookie.getTtl(), path.child("httpCookie").child("ttl"), errors),
                    attributes, ringSize, maglev, tableSize));
        }
        if (key instanceof LoadBalancerSettingsConsistentHashLBUseSourceIp s && Boolean.TRUE.equals(s.getUseSourceIp())) {
            return Optional.of(new LoadBalancerSettings.ConsistentHash(LoadBalancerSettings.ConsistentHash.HashKey.USE_SOURCE_IP,
                    "", "", Optional.empty(), List.of(), ringSize, maglev, tableSize));
        }
        if (key instanceof LoadBalancerSettingsConsistentHashLBHttpQueryParameterName q && q.getHttpQueryParameterName() != null) {
            return Optional.of(new LoadBalancerSettings.ConsistentHash(
                    LoadBalancerSettings.ConsistentHash.HashKey.HTTP_QUERY_PARAMETER_NAME, q.getHttpQueryParameterName(), "",
                    Optional.empty(), List.of(), ringSize, maglev, tableSize));
        }
        errors.add(path, "one of httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName is required");
        return Optional.empty();
    }

    private static Optional<ConnectionPoolSettings> connectionPool(io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettings cp,
                                                                   FieldPath path, FieldErrors errors) {
        if (cp == null) {
            return Optional.empty();
        }
        Optional<ConnectionPoolSettings.Tcp> tcp = Optional.empty();
        if (cp.getTcp() != null) {
            var t = cp.getTcp();
            FieldPath p = path.child("tcp");
            RuleFields.nonNegative(t.getMaxConnections(), p.child("maxConnections"), errors);
            Optional<ConnectionPoolSettings.TcpKeepalive> keepalive = Optional.empty();
            if (t.getTcpKeepalive() != null) {
                var k = t.getTcpKeepalive();
                keepalive = Optional.of(new ConnectionPoolSettings.TcpKeepalive(RuleFields.intValue(k.getProbes()),
                        RuleFields.duration(k.getTime(), p.child("tcpKeepalive").child("time"), errors),
                        RuleFields.duration(k.getInterval(), p.child("tcpKeepalive").child("interval"), errors)));
            }
            tcp = Optional.of(new ConnectionPoolSettings.Tcp(RuleFields.intValue(t.getMaxConnections()),
                    RuleFields.timeout(t.getConnectTimeout(), p.child("connectTimeout"), errors),
                    RuleFields.duration(t.getIdleTimeout(), p.child("idleTimeout"), errors),
                    RuleFields.duration(t.getMaxConnectionDuration(), p.child("maxConnectionDuration"), errors), keepalive));
        }
        Optional<ConnectionPoolSettings.Http> http = Optional.empty();
        if (cp.getHttp() != null) {
            var h = cp.getHttp();
            FieldPath p = path.child("http");
            RuleFields.nonNegative(h.getHttp1MaxPendingRequests(), p.child("http1MaxPendingRequests"), errors);
            RuleFields.nonNegative(h.getHttp2MaxRequests(), p.child("http2MaxRequests"), errors);
            RuleFields.nonNegative(h.getMaxRequestsPerConnection(), p.child("maxRequestsPerConnection"), errors);
            RuleFields.nonNegative(h.getMaxRetries(), p.child("maxRetries"), errors);
            RuleFields.nonNegative(h.getMaxConcurrentStreams(), p.child("maxConcurrentStreams"), errors);
            http = Optional.of(new ConnectionPoolSettings.Http(RuleFields.intValue(h.getHttp1MaxPendingRequests()),
                    RuleFields.intValue(h.getHttp2MaxRequests()), RuleFields.intValue(h.getMaxRequestsPerConnection()),
                    RuleFields.intValue(h.getMaxRetries()), RuleFields.duration(h.getIdleTimeout(), p.child("idleTimeout"), errors),
                    h.getH2UpgradePolicy() == null ? "DEFAULT" : h.getH2UpgradePolicy().name(),
                    Boolean.TRUE.equals(h.getUseClientProtocol()), RuleFields.intValue(h.getMaxConcurrentStreams())));
        }
        return Optional.of(new ConnectionPoolSettings(tcp, http));
    }

    private static Optional<OutlierDetection> outlierDetection(io.fabric8.istio.api.api.networking.v1alpha3.OutlierDetection od,
                                                               FieldPath path, FieldErrors errors) {
        if (od == null) {
            return Optional.empty();
        }
        RuleFields.nonNegative(od.getConsecutive5xxErrors(), path.child("consecutive5xxErrors"), errors);
        RuleFields.nonNegative(od.getConsecutiveGatewayErrors(), path.child("consecutiveGatewayErrors"), errors);
        percentField(od.getMaxEjectionPercent(), path.child("maxEjectionPercent"), errors);
        percentField(od.getMinHealthPercent(), path.child("minHealthPercent"), errors);
        Integer fiveXx = od.getConsecutive5xxErrors() != null ? od.getConsecutive5xxErrors() : od.getConsecutiveErrors();
        return Optional.of(new OutlierDetection(
                fiveXx == null ? OptionalInt.empty() : OptionalInt.of(fiveXx),
                od.getConsecutiveGatewayErrors() == null ? OptionalInt.empty() : OptionalInt.of(od.getConsecutiveGatewayErrors()),
                RuleFields.intValue(od.getConsecutiveLocalOriginFailures()), Boolean.TRUE.equals(od.getSplitExternalLocalOriginErrors()),
                RuleFields.timeout(od.getInterval(), path.child("interval"), errors),
                RuleFields.timeout(od.getBaseEjectionTime(), path.child("baseEjectionTime"), errors),
                RuleFields.intValue(od.getMaxEjectionPercent()), RuleFields.intValue(od.getMinHealthPercent())));
    }

    private static void percentField(Integer value, FieldPath path, FieldErrors errors) {
        if (value != null && (value < 0 || value > 100)) {
            errors.add(path, value + " is out of range 0-100");
        }
    }

    private static Optional<ClientTlsSettings> tls(io.fabric8.istio.api.api.networking.v1alpha3.ClientTLSSettings t, FieldPath path,
                                                   FieldErrors errors) {
        if (t == null) {
            return Optional.empty();
        }
        ClientTlsSettings.Mode mode = t.getMode() == null ? ClientTlsSettings.Mode.DISABLE : ClientTlsSettings.Mode.valueOf(t.getMode().name());
        boolean credential = t.getCredentialName() != null && !t.getCredentialName().isEmpty();
        // Never a weaker config than asked for: what cannot be honoured yet rejects the rule, not its TLS.
        if (mode == ClientTlsSettings.Mode.ISTIO_MUTUAL) {
            errors.add(path.child("mode"), "ISTIO_MUTUAL is not supported yet: pilot4j issues no workload certificates, and the rule is "
                    + "rejected rather than its traffic sent in plain text");
        }
        if (credential) {
            errors.add(path.child("credentialName"), "\"" + t.getCredentialName() + "\" is not supported yet: pilot4j serves no SDS "
                    + "secrets; give clientCertificate, privateKey and caCertificates as files, or the rule is rejected");
        }
        if (mode == ClientTlsSettings.Mode.MUTUAL && !credential) {
            if (t.getClientCertificate() == null || t.getClientCertificate().isEmpty()) {
                errors.add(path.child("clientCertificate"), "required with mode MUTUAL");
            }
            if (t.getPrivateKey() == null || t.getPrivateKey().isEmpty()) {
                errors.add(path.child("privateKey"), "required with mode MUTUAL");
            }
        }
        return Optional.of(new ClientTlsSettings(mode, t.getClientCertificate(), t.getPrivateKey(), t.getCaCertificates(), t.getCaCrl(),
                t.getCredentialName(), RuleFields.list(t.getSubjectAltNames()), t.getSni(), Boolean.TRUE.equals(t.getInsecureSkipVerify())));
    }
}
