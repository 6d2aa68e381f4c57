package io.pilot4j.kube.networking;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.pilot4j.kube.FieldError;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.Yaml;
import io.pilot4j.model.networking.ClientTlsSettings;
import io.pilot4j.model.networking.ConnectionPoolSettings;
import io.pilot4j.model.networking.LoadBalancerSettings;
import io.pilot4j.model.networking.OutlierDetection;
import io.pilot4j.model.networking.TrafficPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class DestinationRuleConversionTest {

    private static Result<io.pilot4j.model.networking.DestinationRule> convert(String spec) {
        DestinationRule dr = Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                """ + spec.indent(2), DestinationRule.class);
        return DestinationRuleConversion.convert(dr, dr.getSpec(), "cluster.local");
    }

    @Test
    void ringHashSetsTheRingSize() {
        var r = convert("""
                host: reviews
                trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user, ringHash: {minimumRingSize: 4096}}}}
                """);
        assertTrue(r.isValid(), () -> r.errors().toString());
        var hash = r.value().trafficPolicy().loadBalancer().orElseThrow().consistentHash().orElseThrow();
        assertEquals(4096, hash.minimumRingSize());
        assertTrue(!hash.maglev());
    }

    @Test
    void trafficPolicySubsetsAndPortsConvert() {
        Result<io.pilot4j.model.networking.DestinationRule> r = convert("""
                host: reviews
                trafficPolicy:
                  loadBalancer: {simple: LEAST_REQUEST}
                  connectionPool:
                    tcp: {maxConnections: 100, connectTimeout: 30ms}
                    http: {http2MaxRequests: 1000, maxRequestsPerConnection: 10, idleTimeout: 1m}
                  outlierDetection: {consecutive5xxErrors: 7, interval: 5m, baseEjectionTime: 15m, maxEjectionPercent: 50}
                  tls: {mode: SIMPLE, caCertificates: /etc/certs/ca.pem, sni: reviews.example}
                  portLevelSettings:
                  - port: {number: 9080}
                    loadBalancer: {consistentHash: {httpHeaderName: x-user, minimumRingSize: 2048}}
                subsets:
                - name: v1
                  labels: {version: v1}
                - name: v2
                  labels: {version: v2}
                  trafficPolicy: {loadBalancer: {simple: RANDOM}}
                """);
        assertTrue(r.isValid(), () -> r.errors().toString());
        var dr = r.value();
        assertEquals("reviews.bookinfo.svc.cluster.local", dr.host());
        TrafficPolicy p = dr.trafficPolicy();
        assertEquals(Optional.of(new LoadBalancerSettings(LoadBalancerSettings.Simple.LEAST_REQUEST, Optional.empty(), Optional.empty(),
                Optional.empty())), p.loadBalancer());
        assertEquals(Optional.of(new ConnectionPoolSettings(
                Optional.of(new ConnectionPoolSettings.Tcp(100, Optional.of(Duration.ofMillis(30)), Optional.empty(), Optional.empty(), Optional.empty())),
                Optional.of(new ConnectionPoolSettings.Http(0, 1000, 10, 0, Optional.of(Duration.ofMinutes(1)), "DEFAULT", false, 0)))),
                p.connectionPool());
        assertEquals(Optional.of(new OutlierDetection(OptionalInt.of(7), OptionalInt.empty(), 0, false, Optional.of(Duration.ofMinutes(5)),
                Optional.of(Duration.ofMinutes(15)), 50, 0)), p.outlierDetection());
        assertEquals(Optional.of(new ClientTlsSettings(ClientTlsSettings.Mode.SIMPLE, "", "", "/etc/certs/ca.pem", "", "", List.of(),
                "reviews.example", false)), p.tls());
        assertEquals(List.of("v1", "v2"), dr.subsets().stream().map(io.pilot4j.model.networking.DestinationRule.Subset::name).toList());
        assertEquals(Map.of("version", "v2"), dr.subsets().get(1).labels());

        // Port 9080 takes the port-level hash; subset v2 then replaces the load balancer with RANDOM.
        LoadBalancerSettings.ConsistentHash hash = new LoadBalancerSettings.ConsistentHash(
                LoadBalancerSettings.ConsistentHash.HashKey.HTTP_HEADER_NAME, "x-user", "", Optional.empty(), List.of(), 2048, false, 0);
        assertEquals(Optional.of(hash), dr.policyFor("v1", 9080).loadBalancer().flatMap(LoadBalancerSettings::consistentHash));
        assertEquals(LoadBalancerSettings.Simple.LEAST_REQUEST, dr.policyFor("v1", 9090).loadBalancer().orElseThrow().simple());
        assertEquals(LoadBalancerSettings.Simple.RANDOM, dr.policyFor("v2", 9080).loadBalancer().orElseThrow().simple());
        assertEquals(p.connectionPool(), dr.policyFor("v2", 9080).connectionPool(), "fields the subset does not set stay the rule's");
    }

    /** What Istio's newer fields ask for arrives in the model (the translation applies each; DestinationRuleClustersTest). */
    @Test
    void newerTrafficPolicyFieldsConvert() {
        Result<io.pilot4j.model.networking.DestinationRule> r = convert("""
                host: reviews
                trafficPolicy:
                  loadBalancer: {simple: ROUND_ROBIN, warmup: {duration: 30s, minimumPercent: 10, aggression: 2}}
                  proxyProtocol: {version: V2}
                  retryBudget: {percent: 25, minRetryConcurrency: 5}
                  tls: {mode: SIMPLE, caCrl: /etc/certs/crl.pem, insecureSkipVerify: true}
                  portLevelSettings:
                  - port: {number: 81}
                    loadBalancer: {consistentHash: {httpHeaderName: x, maglev: {tableSize: 65537}}}
                  - port: {number: 82}
                    loadBalancer: {warmupDurationSecs: 15s}
                """);

        assertEquals(List.of(), r.errors());
        TrafficPolicy p = r.value().trafficPolicy();
        assertEquals(Optional.of(new LoadBalancerSettings.Warmup(Duration.ofSeconds(30), OptionalDouble.of(10), OptionalDouble.of(2))),
                p.loadBalancer().orElseThrow().warmup());
        assertEquals(Optional.of(TrafficPolicy.ProxyProtocol.V2), p.proxyProtocol());
        assertEquals(Optional.of(new TrafficPolicy.RetryBudget(OptionalDouble.of(25), OptionalInt.of(5))), p.retryBudget());
        assertEquals("/etc/certs/crl.pem", p.tls().orElseThrow().caCrl());
        assertTrue(p.tls().orElseThrow().insecureSkipVerify());
        LoadBalancerSettings.ConsistentHash maglev = r.value().policyFor("", 81).loadBalancer().orElseThrow().consistentHash().orElseThrow();
        assertTrue(maglev.maglev());
        assertEquals(65537, maglev.maglevTableSize());
        assertEquals(Optional.of(new LoadBalancerSettings.Warmup(Duration.ofSeconds(15), OptionalDouble.empty(), OptionalDouble.empty())),
                r.value().policyFor("", 82).loadBalancer().orElseThrow().warmup());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("missing host", """
                        subsets: [{name: v1, labels: {version: v1}}]
                        """, List.of("spec.host: required")),
                arguments("empty and duplicate subset names", """
                        host: reviews
                        subsets: [{name: v1}, {labels: {version: v2}}, {name: v1}]
                        """, List.of("spec.subsets[1].name: required: a subset needs a name",
                        "spec.subsets[2].name: duplicate subset name \"v1\" (also spec.subsets[0])")),
                arguments("bad durations and ranges", """
                        host: reviews
                        trafficPolicy:
                          connectionPool: {tcp: {connectTimeout: 10x, maxConnections: -1}}
                          outlierDetection: {interval: soon, maxEjectionPercent: 101}
                        """, List.of("spec.trafficPolicy.connectionPool.tcp.maxConnections: -1 must not be negative",
                        "spec.trafficPolicy.connectionPool.tcp.connectTimeout: invalid duration \"10x\" (want a number with a unit, e.g. \"10s\", \"1.5s\", \"500ms\", \"1m30s\")",
                        "spec.trafficPolicy.outlierDetection.maxEjectionPercent: 101 is out of range 0-100",
                        "spec.trafficPolicy.outlierDetection.interval: invalid duration \"soon\" (want a number with a unit, e.g. \"10s\", \"1.5s\", \"500ms\", \"1m30s\")")),
                arguments("MUTUAL needs its files", """
                        host: reviews
                        trafficPolicy: {tls: {mode: MUTUAL}}
                        """, List.of("spec.trafficPolicy.tls.clientCertificate: required with mode MUTUAL",
                        "spec.trafficPolicy.tls.privateKey: required with mode MUTUAL")),
                arguments("TLS that cannot be honoured yet, at every level, rejects the rule rather than going out in plain text", """
                        host: reviews
                        trafficPolicy:
                          tls: {mode: ISTIO_MUTUAL}
                          portLevelSettings: [{port: {number: 9080}, tls: {mode: SIMPLE, credentialName: reviews-ca}}]
                        subsets: [{name: v1, labels: {version: v1}, trafficPolicy: {tls: {mode: MUTUAL, credentialName: reviews-client}}}]
                        """, List.of(
                        "spec.trafficPolicy.portLevelSettings[0].tls.credentialName: \"reviews-ca\" is not supported yet: pilot4j serves no SDS "
                                + "secrets; give clientCertificate, privateKey and caCertificates as files, or the rule is rejected",
                        "spec.trafficPolicy.tls.mode: ISTIO_MUTUAL is not supported yet: pilot4j issues no workload certificates, and the rule is "
                                + "rejected rather than its traffic sent in plain text",
                        "spec.subsets[0].trafficPolicy.tls.credentialName: \"reviews-client\" is not supported yet: pilot4j serves no SDS "
                                + "secrets; give clientCertificate, privateKey and caCertificates as files, or the rule is rejected")),
                arguments("tunnel is rejected; warmup and retryBudget ranges", """
                        host: reviews
                        trafficPolicy:
                          tunnel: {protocol: CONNECT, targetHost: egress.example.com, targetPort: 8443}
                          loadBalancer: {warmup: {minimumPercent: 120, aggression: 0}}
                          retryBudget: {percent: 101, minRetryConcurrency: -1}
                        """, List.of(
                        "spec.trafficPolicy.tunnel: not supported yet: pilot4j does not tunnel upstream connections (HTTP CONNECT), and the rule "
                                + "is rejected rather than its traffic sent untunnelled",
                        "spec.trafficPolicy.loadBalancer.warmup.duration: required",
                        "spec.trafficPolicy.loadBalancer.warmup.minimumPercent: 120.0 is out of range 0-100",
                        "spec.trafficPolicy.loadBalancer.warmup.aggression: 0.0 must be greater than 0",
                        "spec.trafficPolicy.retryBudget.percent: 101.0 is out of range 0-100",
                        "spec.trafficPolicy.retryBudget.minRetryConcurrency: -1 must not be negative")),
                arguments("maglev tableSize: required, prime and below 5000011, as Envoy takes it", """
                        host: reviews
                        trafficPolicy:
                          portLevelSettings:
                          - port: {number: 1}
                            loadBalancer: {consistentHash: {httpHeaderName: x, maglev: {}}}
                          - port: {number: 2}
                            loadBalancer: {consistentHash: {httpHeaderName: x, maglev: {tableSize: 65536}}}
                          - port: {number: 3}
                            loadBalancer: {consistentHash: {httpHeaderName: x, maglev: {tableSize: 5000011}}}
                        """, List.of(
                        "spec.trafficPolicy.portLevelSettings[0].loadBalancer.consistentHash.maglev.tableSize: required: tableSize must be set for maglev",
                        "spec.trafficPolicy.portLevelSettings[1].loadBalancer.consistentHash.maglev.tableSize: 65536 must be a prime number",
                        "spec.trafficPolicy.portLevelSettings[2].loadBalancer.consistentHash.maglev.tableSize: 5000011 must be less than 5000011")),
                arguments("ringHash and the deprecated minimumRingSize together; a negative size", """
                        host: reviews
                        trafficPolicy:
                          loadBalancer: {consistentHash: {httpHeaderName: x, minimumRingSize: 8, ringHash: {minimumRingSize: -1}}}
                        """, List.of("spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize: only one of minimumRingSize or maglev/ringHash can be set",
                        "spec.trafficPolicy.loadBalancer.consistentHash.ringHash.minimumRingSize: -1 must not be negative")),
                arguments("hash cookie attributes: named, each once", """
                        host: reviews
                        trafficPolicy:
                          loadBalancer:
                            consistentHash: {httpCookie: {name: u, ttl: 1s, attributes: [{value: x}, {name: Secure}, {name: Secure}]}}
                        """, List.of("spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[0].name: required: a cookie attribute needs a name",
                        "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[2].name: duplicate cookie attribute name: Secure")),
                arguments("port level settings", """
                        host: reviews
                        trafficPolicy:
                          portLevelSettings: [{loadBalancer: {simple: RANDOM}}, {port: {number: 80}}, {port: {number: 80}}]
                        """, List.of("spec.trafficPolicy.portLevelSettings[0].port.number: required",
                        "spec.trafficPolicy.portLevelSettings[2].port.number: port 80 is already set by spec.trafficPolicy.portLevelSettings[1]")),
                arguments("localityLbSetting: distribute and failover together", """
                        host: reviews
                        trafficPolicy:
                          loadBalancer:
                            localityLbSetting:
                              distribute: [{from: us-east/*, to: {us-east/*: 100}}]
                              failover: [{from: us-east, to: us-west}]
                        """, List.of("spec.trafficPolicy.loadBalancer.localityLbSetting: distribute and failover can not both be set")),
                arguments("localityLbSetting: distribute weights and localities", """
                        host: reviews
                        trafficPolicy:
                          loadBalancer:
                            localityLbSetting:
                              distribute:
                              - {from: us-east/*, to: {us-east/*: 60, us-west/*: 30}}
                              - {from: "us-*/a", to: {us-east/*: 0, "us-west//b": 100}}
                        """, List.of("spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to: weights add up to 90; want 100",
                        "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[1].from: \"us-*/a\": at most one '*' wildcard, and only at the end",
                        "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[1].to[\"us-east/*\"]: weight 0 is out of range 1-100",
                        "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[1].to[\"us-west//b\"]: \"us-west//b\" has an empty region, zone or subzone")),
                arguments("localityLbSetting: failover regions, and topology labels beside failover, per port", """
                        host: reviews
                        trafficPolicy:
                          portLevelSettings:
                          - port: {number: 9080}
                            loadBalancer:
                              localityLbSetting:
                                failover: [{from: us-east, to: us-east}, {from: us-east/a, to: "*"}]
                                failoverPriority: [topology.istio.io/subzone]
                        """, List.of("spec.trafficPolicy.portLevelSettings[0].loadBalancer.localityLbSetting.failover[0]: from and to are both \"us-east\"; want two different regions",
                        "spec.trafficPolicy.portLevelSettings[0].loadBalancer.localityLbSetting.failover[1].from: \"us-east/a\" is not a region (no \"/\" or \"*\")",
                        "spec.trafficPolicy.portLevelSettings[0].loadBalancer.localityLbSetting.failover[1].to: \"*\" is not a region (no \"/\" or \"*\")",
                        "spec.trafficPolicy.portLevelSettings[0].loadBalancer.localityLbSetting.failoverPriority[0]: \"topology.istio.io/subzone\" can not be used together with failover")),
                arguments("unknown field", """
                        host: reviews
                        subsets: [{name: v1, lables: {version: v1}}]
                        """, List.of("spec.subsets[0].lables: unknown field \"lables\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidRulesAreRejectedWithEveryFieldNamed(String name, String spec, List<String> expected) {
        assertEquals(expected, convert(spec).errors().stream().map(FieldError::toString).toList());
    }
}
