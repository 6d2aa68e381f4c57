package io.pilot4j.xds;

import com.google.protobuf.StringValue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.Proxy;
import io.pilot4j.model.PushChanges;
import io.pilot4j.model.PushContext;
import io.pilot4j.monitoring.PilotMetrics;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** One generation per key and snapshot, kept for the few most recent snapshots, since pushes made for one may run after the next. */
class XdsCacheTest {
    private final PilotMetrics metrics = new PilotMetrics(new SimpleMeterRegistry());
    private final XdsCache cache = new XdsCache(metrics);
    private final AtomicInteger generated = new AtomicInteger();
    /** Names its output after the snapshot, so a generation shows which snapshot it was made from. */
    private final XdsGenerator generator = (view, push, names) -> {
        generated.incrementAndGet();
        return List.of(new XdsResource("listener", StringValue.of(push.version())));
    };
    private final XdsCache.Key key = new XdsCache.Key(XdsType.LDS,
            ProxyView.of(Proxy.fromNode("sidecar~10.1.0.1~app-1.default~default.svc.cluster.local", Map.of(), Map.of())), ResourceNames.all());

    @Test
    void aKeyIsGeneratedOncePerRecentSnapshotAndAgainForOlderOnes() {
        PushContext first = snapshot(1);
        cache.install(first, PushChanges.everything());
        Generation made = cache.get(key, first, generator);
        assertSame(made, cache.get(key, first, generator), "the second read of a key is served from the cache");
        assertEquals(1, generated.get());

        for (int i = 2; i <= XdsCache.RECENT; i++) {
            cache.install(snapshot(i), PushChanges.everything());
            assertSame(made, cache.get(key, first, generator), "snapshot 1 is still among the " + XdsCache.RECENT + " most recent");
        }
        assertEquals(1, generated.get());

        cache.install(snapshot(XdsCache.RECENT + 1), PushChanges.everything());
        Generation again = cache.get(key, first, generator);
        assertNotSame(made, again, "entries of snapshots older than the recent ones are dropped");
        assertEquals(made.version(), again.version(), "and what is generated again is the same");
        assertEquals(2, generated.get());
        assertEquals(XdsCache.RECENT, metrics.xdsCacheReads(true), "xds_cache_reads{type=hit}: the second read, then one per later snapshot");
        assertEquals(2, metrics.xdsCacheReads(false), "xds_cache_reads{type=miss}");
    }

    private static PushContext snapshot(long sequence) {
        return PushContext.build(sequence, Instant.EPOCH, MeshConfig.defaults(), List.of());
    }
}
