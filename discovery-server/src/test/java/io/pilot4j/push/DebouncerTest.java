package io.pilot4j.push;

import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Kind;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.TriggerReason;
import io.pilot4j.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On virtual time: every instant below is exact, whatever the machine's load. */
class DebouncerTest {
    private final FakeClock time = new FakeClock();
    private final List<PushRequest> pushes = new ArrayList<>();
    private final List<Duration> pushedAt = new ArrayList<>();

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private PushRequest endpoint(String name) {
        return PushRequest.endpoints(Set.of(new ConfigKey(Kind.ENDPOINT_SLICE, "default", name)), Set.of(name + ".default.svc.cluster.local"), time.clock().instant());
    }

    private PushRequest config(String name) {
        return PushRequest.full(TriggerReason.CONFIG, Set.of(new ConfigKey(Kind.SERVICE_ENTRY, "default", name)), time.clock().instant());
    }

    private void record(PushRequest request) {
        pushes.add(request);
        pushedAt.add(time.elapsed());
    }

    /** Timer and pushes on the same virtual time: a push runs at the instant the debouncer lets it go. */
    private Debouncer debouncer(Duration after, Duration max) {
        return new Debouncer(after, max, this::record, time.clock(), t -> { }, time.scheduler(), time.scheduler());
    }

    @Test
    void burstOfChangesBecomesOneMergedPush() {
        try (Debouncer d = debouncer(ms(100), Duration.ofSeconds(10))) {
            d.enqueue(endpoint("a"));
            d.enqueue(config("b"));
            d.enqueue(endpoint("c"));
            time.forwardTime(ms(99));
            assertEquals(List.of(), pushedAt, "pushed before the quiet period was over");
            time.forwardTime(ms(1));
            assertEquals(1, pushes.size());
            PushRequest p = pushes.get(0);
            assertTrue(p.full(), "a full request in the burst makes the merged push full");
            assertEquals(3, p.configsUpdated().size());
            assertEquals(2, p.reasons().get(TriggerReason.ENDPOINT));
            assertEquals(1, p.reasons().get(TriggerReason.CONFIG));
            time.forwardTime(Duration.ofSeconds(10));
            assertEquals(1, pushes.size(), "pushed again with nothing new");
        }
    }

    @Test
    void quietPeriodRestartsOnEveryChange() {
        try (Debouncer d = debouncer(ms(100), Duration.ofSeconds(1))) {
            for (int i = 0; i < 4; i++) {
                if (i > 0) {
                    time.forwardTime(ms(80));
                }
                d.enqueue(endpoint("e" + i));
            }
            // The last change came at 240 ms; a window fixed at the first change would have pushed at 100 ms.
            time.forwardTime(ms(99));
            assertEquals(List.of(), pushedAt, "pushed before 100 ms of quiet after the last change, at 240 ms");
            time.forwardTime(ms(1));
            assertEquals(List.of(ms(340)), pushedAt);
            assertEquals(4, pushes.get(0).configsUpdated().size());
        }
    }

    @Test
    void continuousChangesStillPushWithinDebounceMax() {
        try (Debouncer d = debouncer(ms(100), ms(300))) {
            // The cadence of the test above, kept up: never 100 ms of quiet, so only the cap pushes.
            for (int t = 0; t <= 1000; t += 80) {
                d.enqueue(endpoint("e" + t));
                time.forwardTime(ms(80));
            }
            // Each push is due 300 ms after its first change: 0, then the first change after 300 (320), then after 620 (640).
            assertEquals(List.of(ms(300), ms(620), ms(940)), pushedAt);
            assertEquals(List.of(4, 4, 4), pushes.stream().map(p -> p.configsUpdated().size()).toList(),
                    "changes at 0-240, 320-560 and 640-880 ms");
        }
    }

    @Test
    void onePushInFlightAndChangesDuringItWaitForTheNext() {
        // A second fake as the push thread: a push it is handed runs only when the test says, while time moves on.
        FakeClock pushThread = new FakeClock();
        AtomicReference<Debouncer> debouncer = new AtomicReference<>();
        Consumer<PushRequest> push = r -> {
            pushes.add(r);
            if (pushes.size() == 1) {
                // A change while the push runs, then time for the quiet period and the cap to pass many times over.
                debouncer.get().enqueue(endpoint("d"));
                time.forwardTime(Duration.ofSeconds(5));
                assertEquals(0, pushThread.pendingTasks(), "a second push handed over while the first was running");
            }
        };
        try (Debouncer d = new Debouncer(ms(10), Duration.ofSeconds(1), push, time.clock(), t -> { }, time.scheduler(),
                pushThread.scheduler())) {
            debouncer.set(d);
            d.enqueue(endpoint("a"));
            time.forwardTime(ms(10));
            assertEquals(1, pushThread.pendingTasks(), "the first push handed to the push thread");

            // Handed over but not yet run, the push is in flight: neither the quiet period nor the cap starts another.
            d.enqueue(endpoint("b"));
            d.enqueue(endpoint("c"));
            time.forwardTime(Duration.ofSeconds(5));
            assertEquals(1, pushThread.pendingTasks(), "a second push handed over while the first was in flight");

            pushThread.runDueTasks();
            assertEquals(1, pushes.size());
            assertEquals(1, pushes.get(0).configsUpdated().size(), "only the change made before the push");

            // The changes made while it was queued and while it ran go out together once it has returned.
            time.runDueTasks();
            pushThread.runDueTasks();
            assertEquals(2, pushes.size());
            assertEquals(Set.of("b", "c", "d"), names(pushes.get(1)), "changes made during a push are merged into the next one");
        }
    }

    private static Set<String> names(PushRequest request) {
        return request.configsUpdated().stream().map(ConfigKey::name).collect(Collectors.toSet());
    }

    @Test
    void reportsEachPushsDebounceTimeFromItsFirstChangeToTheEndOfThePush() {
        FakeClock pushThread = new FakeClock();
        List<Duration> debounceTimes = new ArrayList<>();
        // Each push takes 30 ms of virtual time.
        Consumer<PushRequest> push = r -> time.forwardTime(ms(30));
        try (Debouncer d = new Debouncer(ms(100), Duration.ofSeconds(10), push, time.clock(), debounceTimes::add, time.scheduler(),
                pushThread.scheduler())) {
            d.enqueue(endpoint("a"));
            time.forwardTime(ms(50));
            d.enqueue(endpoint("b"));
            time.forwardTime(ms(100));
            pushThread.runDueTasks();
            // First change at 0, quiet from 50 to 150, push until 180.
            assertEquals(List.of(ms(180)), debounceTimes);

            d.enqueue(config("c"));
            time.forwardTime(ms(100));
            pushThread.runDueTasks();
            assertEquals(List.of(ms(180), ms(130)), debounceTimes, "the second push's time counts from its own first change");
        }
    }

    @Test
    void rejectsAQuietPeriodLongerThanTheCap() {
        assertThrows(IllegalArgumentException.class,
                () -> new Debouncer(Duration.ofSeconds(2), Duration.ofSeconds(1), r -> { }, time.clock(), t -> { }, time.scheduler(),
                        time.scheduler()));
    }
}
