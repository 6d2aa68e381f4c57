package io.pilot4j.testing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fake's repetition is a real scheduler's: runs at the initial delay, then a delay after each run, until cancelled. */
class FakeClockTest {
    @Test
    void aFixedDelayTaskRepeatsOnVirtualTimeUntilCancelled() {
        FakeClock time = new FakeClock();
        List<Duration> runs = new ArrayList<>();
        ScheduledFuture<?> task = time.scheduler().scheduleWithFixedDelay(() -> runs.add(time.elapsed()), 50, 100, TimeUnit.MILLISECONDS);

        time.forwardTime(Duration.ofMillis(349));
        assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(150), Duration.ofMillis(250)), runs);
        assertEquals(Duration.ofMillis(1), Duration.ofNanos(task.getDelay(TimeUnit.NANOSECONDS)));

        task.cancel(false);
        time.forwardTime(Duration.ofSeconds(1));
        assertEquals(3, runs.size(), "no run after cancel");
        assertEquals(0, time.pendingTasks());
    }
}
