package io.pilot4j.xds;

import com.google.rpc.Status;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.xds.RequestClassifier.Decision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Istio's ShouldRespond rules, one row per situation an Envoy or gRPC client creates. */
class RequestClassifierTest {
    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

    /** A watch that was answered with nonce n1 / version v1 for the given names. */
    private static WatchedResource sent(XdsType type, ResourceNames names) {
        return WatchedResource.subscribe(type, names).sent("n1", "v1", NOW, 1, 1);
    }

    private static DiscoveryRequest req(String nonce, List<String> names) {
        return DiscoveryRequest.newBuilder().setResponseNonce(nonce).setVersionInfo(nonce.isEmpty() ? "" : "v1")
                .addAllResourceNames(names).build();
    }

    static Stream<Arguments> cases() {
        WatchedResource eds = sent(XdsType.EDS, ResourceNames.of("a", "b"));
        WatchedResource cds = sent(XdsType.CDS, ResourceNames.all());
        DiscoveryRequest nack = req("n1", List.of("a", "b")).toBuilder()
                .setErrorDetail(Status.newBuilder().setCode(3).setMessage("bad cluster")).build();
        return Stream.of(
                Arguments.of("first request", XdsType.EDS, null, req("", List.of("a")), false, Decision.INIT),
                Arguments.of("reconnect with a nonce from another server", XdsType.EDS, null, req("old", List.of("a")), false, Decision.INIT),
                Arguments.of("new stream resends empty nonce with watch present", XdsType.EDS, eds, req("", List.of("a", "b")), false, Decision.INIT),
                Arguments.of("ACK", XdsType.EDS, eds, req("n1", List.of("b", "a")), false, Decision.ACK),
                Arguments.of("ACK adding a name", XdsType.EDS, eds, req("n1", List.of("a", "b", "c")), false, Decision.RESUBSCRIBE),
                Arguments.of("ACK dropping a name", XdsType.EDS, eds, req("n1", List.of("a")), false, Decision.UNWATCH),
                Arguments.of("ACK swapping a name", XdsType.EDS, eds, req("n1", List.of("a", "c")), false, Decision.RESUBSCRIBE),
                Arguments.of("stale nonce", XdsType.EDS, eds, req("n0", List.of("a", "b", "c")), false, Decision.STALE),
                Arguments.of("NACK", XdsType.EDS, eds, nack, false, Decision.NACK),
                Arguments.of("empty names on a non-wildcard type", XdsType.EDS, eds, req("n1", List.of()), false, Decision.UNSUBSCRIBE),
                Arguments.of("Envoy wildcard CDS ACK", XdsType.CDS, cds, req("n1", List.of()), true, Decision.ACK),
                Arguments.of("Envoy wildcard CDS by '*'", XdsType.CDS, cds, req("n1", List.of("*")), true, Decision.ACK),
                Arguments.of("gRPC client CDS drops its last name", XdsType.CDS, sent(XdsType.CDS, ResourceNames.of("c1")),
                        req("n1", List.of()), false, Decision.UNSUBSCRIBE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void classifies(String name, XdsType type, WatchedResource previous, DiscoveryRequest request, boolean wildcard, Decision expected) {
        RequestClassifier.Outcome outcome = RequestClassifier.classify(type, previous, request, wildcard, NOW);
        assertEquals(expected, outcome.decision(), name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void onlyInitAndResubscribeRespond(String name, XdsType type, WatchedResource previous, DiscoveryRequest request, boolean wildcard, Decision expected) {
        boolean respond = RequestClassifier.classify(type, previous, request, wildcard, NOW).decision().respond;
        assertEquals(expected == Decision.INIT || expected == Decision.RESUBSCRIBE, respond, name);
    }

    @org.junit.jupiter.api.Test
    void nackIsRecordedAndKeepsTheSubscription() {
        WatchedResource eds = sent(XdsType.EDS, ResourceNames.of("a"));
        DiscoveryRequest nack = DiscoveryRequest.newBuilder().setResponseNonce("n1").setVersionInfo("v0").addResourceNames("a")
                .setErrorDetail(Status.newBuilder().setCode(3).setMessage("bad endpoint")).build();
        WatchedResource after = RequestClassifier.classify(XdsType.EDS, eds, nack, false, NOW).watch();
        assertEquals("bad endpoint", after.lastNack().message());
        assertEquals("n1", after.lastNack().nonce());
        assertEquals("v0", after.lastNack().versionInfo());
        assertEquals(ResourceNames.of("a"), after.names());
        assertEquals("v1", after.versionSent(), "a NACK must not change what we believe we sent");
    }

    @org.junit.jupiter.api.Test
    void ackRecordsTheAcceptedVersion() {
        WatchedResource eds = sent(XdsType.EDS, ResourceNames.of("a"));
        WatchedResource after = RequestClassifier.classify(XdsType.EDS, eds, req("n1", List.of("a")), false, NOW).watch();
        assertEquals("v1", after.versionAcked());
        assertEquals("n1", after.nonceAcked());
        assertNull(after.lastNack());
    }
}
