package io.pilot4j.xds;

import com.google.rpc.Status;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.xds.DeltaRequestClassifier.Outcome;
import io.pilot4j.xds.RequestClassifier.Decision;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The delta subscription rules of the xDS spec and Istio's delta ACK/NACK rules, one test per situation. */
class DeltaRequestClassifierTest {
    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

    private static DeltaDiscoveryRequest.Builder request() {
        return DeltaDiscoveryRequest.newBuilder();
    }

    private static Outcome first(XdsType type, DeltaDiscoveryRequest.Builder request) {
        return DeltaRequestClassifier.classify(type, null, request.build(), type.wildcardCapable, NOW);
    }

    private static Outcome next(WatchedResource previous, DeltaDiscoveryRequest.Builder request) {
        return DeltaRequestClassifier.classify(previous.type(), previous, request.build(), previous.type().wildcardCapable, NOW);
    }

    /** A watch answered with nonce n1 / version v1, the client acked version v0 before, and holds {@code versions}. */
    private static WatchedResource sent(XdsType type, ResourceNames names, Map<String, String> versions) {
        return WatchedResource.subscribe(type, names).acked("n0", "v0").sent("n1", "v1", NOW, versions.size(), 1)
                .withResourceVersions(versions);
    }

    private static ResourceNames wildcardAnd(String... names) {
        return new ResourceNames(true, Set.of(names));
    }

    @Test
    void firstRequestWithoutNamesIsTheLegacyWildcard() {
        Outcome o = first(XdsType.CDS, request());

        assertEquals(Decision.INIT, o.decision());
        assertTrue(o.respond());
        assertEquals(ResourceNames.all(), o.watch().names());
    }

    @Test
    void starIsTheWildcardAndMayComeWithNames() {
        Outcome o = first(XdsType.LDS, request().addResourceNamesSubscribe("*").addResourceNamesSubscribe("a"));

        assertEquals(wildcardAnd("a"), o.watch().names());
        assertEquals(Set.of("a"), o.requested());
    }

    @Test
    void subscribingAndUnsubscribingStarFirstMeansNothingYet() {
        Outcome o = first(XdsType.CDS, request().addResourceNamesSubscribe("*").addResourceNamesUnsubscribe("*"));

        assertEquals(ResourceNames.of(), o.watch().names(), "Istio's own clients open an empty subscription this way");
        assertTrue(o.respond());
    }

    @Test
    void typesWithoutWildcardTakeStarAsNoName() {
        Outcome eds = first(XdsType.EDS, request());
        Outcome grpcLds = DeltaRequestClassifier.classify(XdsType.LDS, null,
                request().addResourceNamesSubscribe("*").addResourceNamesSubscribe("reviews:9080").build(), false, NOW);

        assertEquals(ResourceNames.of(), eds.watch().names());
        assertEquals(ResourceNames.of("reviews:9080"), grpcLds.watch().names(), "proxyless gRPC names what it wants");
    }

    @Test
    void reconnectKeepsWhatTheClientSaysItHolds() {
        Outcome o = first(XdsType.EDS, request().addResourceNamesSubscribe("a").addResourceNamesSubscribe("b")
                .putInitialResourceVersions("a", "va").putInitialResourceVersions("gone", "vg"));

        assertEquals(Decision.INIT, o.decision());
        assertEquals(ResourceNames.of("a", "b"), o.watch().names());
        assertEquals(Map.of("a", "va", "gone", "vg"), o.watch().resourceVersions());
        assertEquals(Set.of("a", "b"), o.requested());
    }

    @Test
    void ackRecordsTheVersionOfTheNonceItNames() {
        WatchedResource eds = sent(XdsType.EDS, ResourceNames.of("a"), Map.of("a", "va"));

        Outcome o = next(eds, request().setResponseNonce("n1"));

        assertEquals(Decision.ACK, o.decision());
        assertFalse(o.respond());
        assertEquals("n1", o.watch().nonceAcked());
        assertEquals("v1", o.watch().versionAcked());
        assertEquals(Map.of("a", "va"), o.watch().resourceVersions());
    }

    @Test
    void subscribingMoreIsAnsweredAndResendsWhatTheClientMayHaveDropped() {
        WatchedResource eds = sent(XdsType.EDS, ResourceNames.of("a"), Map.of("a", "va"));

        Outcome o = next(eds, request().addResourceNamesSubscribe("a").addResourceNamesSubscribe("b"));

        assertEquals(Decision.RESUBSCRIBE, o.decision());
        assertTrue(o.respond());
        assertEquals(ResourceNames.of("a", "b"), o.watch().names());
        assertEquals(Set.of("a", "b"), o.requested());
        assertEquals(Map.of(), o.watch().resourceVersions(), "a subscribed again is sent again, as the spec asks");
        assertEquals("n0", o.watch().nonceAcked(), "a request without nonce acknowledges nothing");
    }

    @Test
    void unsubscribingIsNotAnsweredAndForgetsTheNames() {
        WatchedResource eds = sent(XdsType.EDS, ResourceNames.of("a", "b"), Map.of("a", "va", "b", "vb"));

        Outcome some = next(eds, request().addResourceNamesUnsubscribe("b").addResourceNamesUnsubscribe("never-subscribed"));
        Outcome all = next(eds, request().addResourceNamesUnsubscribe("a").addResourceNamesUnsubscribe("b"));

        assertEquals(Decision.UNWATCH, some.decision());
        assertFalse(some.respond());
        assertEquals(ResourceNames.of("a"), some.watch().names());
        assertEquals(Map.of("a", "va"), some.watch().resourceVersions());
        assertEquals(Decision.UNSUBSCRIBE, all.decision());
        assertFalse(all.respond());
        assertEquals(ResourceNames.of(), all.watch().names(), "the watch stays, empty: the stream has subscribed before");
    }

    @Test
    void anEmptySubscriptionIsNotTheWildcardOnceNamesWereSubscribed() {
        WatchedResource cds = sent(XdsType.CDS, ResourceNames.of("c1"), Map.of("c1", "v"));
        WatchedResource empty = next(cds, request().addResourceNamesUnsubscribe("c1")).watch();

        Outcome o = next(empty, request());

        assertEquals(ResourceNames.of(), o.watch().names());
        assertFalse(o.respond());
    }

    @Test
    void namesNextToTheLegacyWildcardKeepIt() {
        WatchedResource cds = sent(XdsType.CDS, ResourceNames.all(), Map.of("c1", "v1", "c2", "v2"));

        Outcome o = next(cds, request().addResourceNamesSubscribe("c3"));

        assertEquals(wildcardAnd("c3"), o.watch().names(), "the spec's example: * stays, c3 is added");
        assertTrue(o.respond());
        assertEquals(Map.of("c1", "v1", "c2", "v2"), o.watch().resourceVersions());
    }

    @Test
    void unsubscribingStarLeavesTheExplicitNames() {
        WatchedResource cds = sent(XdsType.CDS, wildcardAnd("c1"), Map.of("c1", "v1", "c2", "v2"));

        Outcome o = next(cds, request().addResourceNamesUnsubscribe("*"));

        assertEquals(ResourceNames.of("c1"), o.watch().names());
        assertEquals(Decision.UNWATCH, o.decision());
        assertFalse(o.respond());
        assertEquals(Map.of("c1", "v1"), o.watch().resourceVersions(), "what only the wildcard covered is the client's to drop");
    }

    @Test
    void unsubscribingANameTheWildcardStillCoversIsAnswered() {
        WatchedResource cds = sent(XdsType.CDS, wildcardAnd("c1"), Map.of("c1", "v1", "c2", "v2"));

        Outcome o = next(cds, request().addResourceNamesUnsubscribe("c1"));

        assertEquals(ResourceNames.all(), o.watch().names());
        assertTrue(o.respond(), "the client cannot tell whether to keep c1: the spec has the server say it");
        assertEquals(Map.of("c2", "v2"), o.watch().resourceVersions());
    }

    @Test
    void unsubscribingANameNeverSubscribedChangesNothing() {
        WatchedResource cds = sent(XdsType.CDS, ResourceNames.all(), Map.of("c1", "v1"));

        Outcome o = next(cds, request().addResourceNamesUnsubscribe("c1"));

        assertEquals(Decision.ACK, o.decision());
        assertFalse(o.respond(), "a phantom unsubscription is ignored, as the spec allows");
        assertEquals(Map.of("c1", "v1"), o.watch().resourceVersions());
    }

    @Test
    void nackIsRecordedAndNotAnswered() {
        WatchedResource lds = sent(XdsType.LDS, ResourceNames.all(), Map.of("l1", "bad"));

        Outcome o = next(lds, request().setResponseNonce("n1")
                .setErrorDetail(Status.newBuilder().setCode(3).setMessage("listener l1 rejected")));

        assertEquals(Decision.NACK, o.decision());
        assertFalse(o.respond());
        WatchedResource.Nack nack = o.watch().lastNack();
        assertEquals("n1", nack.nonce());
        assertEquals("v0", nack.versionInfo(), "the version the client still runs");
        assertEquals("listener l1 rejected", nack.message());
        assertEquals(3, nack.code());
        assertEquals("n0", o.watch().nonceAcked(), "a NACK is no ACK");
        assertEquals(Map.of("l1", "bad"), o.watch().resourceVersions(), "the rejected version stays recorded, so it is not sent again");
    }

    @Test
    void nackBeforeAnyWatchIsRecordedOnly() {
        Outcome o = first(XdsType.CDS, request().setResponseNonce("old").setErrorDetail(Status.newBuilder().setMessage("x")));

        assertEquals(Decision.NACK, o.decision());
        assertNull(o.watch());
        assertFalse(o.respond());
    }

    @Test
    void staleNonceAcknowledgesNothingButItsSubscriptionCounts() {
        WatchedResource eds = sent(XdsType.EDS, ResourceNames.of("a"), Map.of("a", "va"));

        Outcome quiet = next(eds, request().setResponseNonce("n0"));
        Outcome subscribing = next(eds, request().setResponseNonce("n0").addResourceNamesSubscribe("b"));
        Outcome rejecting = next(eds, request().setResponseNonce("n1").addResourceNamesSubscribe("b")
                .setErrorDetail(Status.newBuilder().setMessage("bad a")));

        assertEquals(Decision.STALE, quiet.decision());
        assertFalse(quiet.respond());
        assertEquals("n0", quiet.watch().nonceAcked());
        assertEquals(Decision.STALE, subscribing.decision());
        assertTrue(subscribing.respond(), "the spec: subscription changes are honoured whatever the nonce");
        assertEquals(ResourceNames.of("a", "b"), subscribing.watch().names());
        assertEquals(List.of(Decision.NACK, true), List.of(rejecting.decision(), rejecting.respond()));
        assertEquals(Map.of("a", "va"), rejecting.watch().resourceVersions());
    }
}
