package io.pilot4j.push;

import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Kind;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.TriggerReason;
import io.pilot4j.testing.Await;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DebouncerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static PushRequest endpoint(String name) {
        return PushRequest.endpoints(Set.of(new ConfigKey(Kind.ENDPOINT_SLICE, "default", name)), Instant.now());
    }

    private static PushRequest config(String name) {
        return PushRequest.full(TriggerReason.CONFIG, Set.of(new ConfigKey(Kind.SERVICE_ENTRY, "default", name)), Instant.now());
    }

    @Test
    void burstOfChangesBecomesOneMergedPush() {
        List<PushRequest> pushes = new CopyOnWriteArrayList<>();
        // A quiet period far longer than the burst takes, so the burst cannot be split by a slow machine.
        try (Debouncer d = new Debouncer(Duration.ofMillis(500), Duration.ofSeconds(10), pushes::add, Clock.systemUTC())) {
            d.enqueue(endpoint("a"));
            d.enqueue(config("b"));
            d.enqueue(endpoint("c"));
            Await.until(WAIT, "one push", () -> !pushes.isEmpty());
            PushRequest p = pushes.get(0);
            assertTrue(p.full(), "a full request in the burst makes the merged push full");
            assertEquals(3, p.configsUpdated().size());
            assertEquals(2, p.reasons().get(TriggerReason.ENDPOINT));
            assertEquals(1, p.reasons().get(TriggerReason.CONFIG));
            assertEquals(1, pushes.size());
        }
    }

    @Test
    void continuousChangesStillPushWithinDebounceMax() throws InterruptedException {
        List<PushRequest> pushes = new CopyOnWriteArrayList<>();
        try (Debouncer d = new Debouncer(Duration.ofMillis(200), Duration.ofMillis(400), pushes::add, Clock.systemUTC())) {
            // Changes keep arriving faster than the quiet period: without the cap nothing would ever be pushed.
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            int i = 0;
            while (System.nanoTime() < end) {
                d.enqueue(endpoint("e" + i++));
                Thread.sleep(20); // pacing the producer, not synchronising with it
            }
            assertTrue(pushes.size() >= 2, "pushes while changes never paused: " + pushes.size());
        }
    }

    @Test
    void onePushInFlightAndChangesDuringItWaitForTheNext() throws InterruptedException {
        List<PushRequest> pushes = new CopyOnWriteArrayList<>();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        try (Debouncer d = new Debouncer(Duration.ofMillis(10), Duration.ofSeconds(1), r -> {
            pushes.add(r);
            if (pushes.size() == 1) {
                firstStarted.countDown();
                try {
                    releaseFirst.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, Clock.systemUTC())) {
            d.enqueue(endpoint("a"));
            assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
            d.enqueue(endpoint("b"));
            d.enqueue(endpoint("c"));
            // Give the debouncer every chance to (wrongly) start a second push while the first runs.
            assertFalse(awaitSecond(pushes, Duration.ofMillis(300)), "a second push started while the first was in flight");
            releaseFirst.countDown();
            Await.until(WAIT, "the second push", () -> pushes.size() == 2);
            assertEquals(2, pushes.get(1).configsUpdated().size(), "changes made during a push are merged into the next one");
        }
    }

    private static boolean awaitSecond(List<PushRequest> pushes, Duration window) throws InterruptedException {
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < end) {
            if (pushes.size() > 1) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    @Test
    void reportsEachPushsDebounceTimeFromItsFirstChange() {
        List<PushRequest> pushes = new CopyOnWriteArrayList<>();
        List<Duration> debounceTimes = new CopyOnWriteArrayList<>();
        Duration quiet = Duration.ofMillis(200);
        try (Debouncer d = new Debouncer(quiet, Duration.ofSeconds(10), pushes::add, Clock.systemUTC(), debounceTimes::add)) {
            d.enqueue(endpoint("a"));
            d.enqueue(endpoint("b"));
            Await.until(WAIT, "one debounce time", () -> !debounceTimes.isEmpty());
            d.enqueue(config("c"));
            Await.until(WAIT, "a second debounce time", () -> debounceTimes.size() == 2);
            assertEquals(2, pushes.size());
            // A push waits at least the quiet period after its last change, so its first change is older still.
            for (Duration t : debounceTimes) {
                assertTrue(t.compareTo(quiet) >= 0, "debounce time " + t + " shorter than the quiet period");
            }
        }
    }

    @Test
    void rejectsAQuietPeriodLongerThanTheCap() {
        assertThrows(IllegalArgumentException.class,
                () -> new Debouncer(Duration.ofSeconds(2), Duration.ofSeconds(1), r -> { }, Clock.systemUTC()));
    }
}
