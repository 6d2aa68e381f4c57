package io.pilot4j.xds;

import io.pilot4j.translate.ResourceNames;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a connection records of its client: the snapshot it holds, per type, and the value debug readers see. */
class ClientStateTest {
    private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");
    private static final WatchedResource EDS = WatchedResource.subscribe(XdsType.EDS, ResourceNames.of("a", "b"));

    @Test
    void aSubscriptionHoldsNothingUntilItIsAnswered() {
        assertEquals(-1, EDS.heldAsOf());
        assertEquals(7, EDS.sent("n1", "v1", NOW, 2, 7).heldAsOf(), "a response holds the snapshot it was made from");
    }

    @Test
    void holdingOnlyMovesForward() {
        WatchedResource at7 = EDS.sent("n1", "v1", NOW, 2, 7);
        assertSame(at7, at7.holding(5), "an older snapshot with nothing to send says nothing new");
        assertSame(at7, at7.holding(7));
        WatchedResource at9 = at7.holding(9);
        assertEquals(9, at9.heldAsOf());
        assertEquals("n1", at9.nonceSent(), "and nothing else about the exchange changes");
        assertEquals("v1", at9.versionSent());
    }

    @Test
    void aResendForgetsWhatWasSentAndHeld() {
        WatchedResource resend = EDS.sent("n1", "v1", NOW, 2, 7).acked("n1", "v1").resend();
        assertEquals("", resend.versionSent(), "so that the next push is not skipped as equal");
        assertEquals(-1, resend.heldAsOf(), "so that the next endpoint push sends every assignment");
        assertEquals("n1", resend.nonceSent(), "the nonce stays, so the client's answer to it is not stale");
        assertEquals("v1", resend.versionAcked());
    }

    @Test
    void sharingTakesTheGenerationsEqualNames() {
        ResourceNames shared = ResourceNames.of("a", "b");
        assertSame(EDS, EDS.sharing(EDS.names()));
        assertSame(shared, EDS.sharing(shared).names());
    }

    @Test
    void aStateIsReplacedWholeAndListsTypesInPushOrder() {
        ClientState lds = ClientState.NONE.with(XdsType.LDS, WatchedResource.subscribe(XdsType.LDS, ResourceNames.all()));
        ClientState both = lds.with(XdsType.CDS, WatchedResource.subscribe(XdsType.CDS, ResourceNames.all()));
        assertEquals(List.of(XdsType.CDS, XdsType.LDS), List.copyOf(both.types().keySet()));
        assertEquals(List.of(XdsType.LDS), List.copyOf(lds.types().keySet()), "an earlier state is unchanged");
        assertSame(both, both.with(XdsType.CDS, both.get(XdsType.CDS)), "the same watch is the same state");
        assertNull(both.with(XdsType.CDS, null).get(XdsType.CDS), "null forgets a type");
        assertThrows(UnsupportedOperationException.class, () -> both.types().remove(XdsType.CDS), "debug readers cannot change it");
    }
}
