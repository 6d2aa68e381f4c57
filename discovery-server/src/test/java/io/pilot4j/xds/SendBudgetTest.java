package io.pilot4j.xds;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The send budget parks connections while too much is unsent, and a serial executor waits at its gate in order. */
class SendBudgetTest {

    @Test
    void connectionsParkOverTheBudgetAndWakeTogetherAtThreeQuarters() {
        SendBudget budget = new SendBudget(100);
        AtomicInteger woken = new AtomicInteger();
        assertTrue(budget.admit(woken::incrementAndGet));
        budget.acquire(150);
        assertFalse(budget.admit(woken::incrementAndGet));
        assertFalse(budget.admit(woken::incrementAndGet));
        assertEquals(2, budget.parked());

        budget.release(50);
        assertEquals(0, woken.get(), "100 bytes still out: over three quarters of the budget");
        budget.release(30);
        assertEquals(2, woken.get(), "70 bytes out: everyone parked is woken");
        assertEquals(0, budget.parked());
        assertTrue(budget.admit(woken::incrementAndGet));
    }

    @Test
    void aPausedExecutorKeepsItsTasksInOrderAndResumesWhereItStopped() {
        List<Runnable> pool = new ArrayList<>();
        List<Runnable> resumes = new ArrayList<>();
        boolean[] open = {true};
        SerialExecutor executor = new SerialExecutor(pool::add, resume -> {
            if (open[0]) {
                return true;
            }
            resumes.add(resume);
            return false;
        });
        List<String> ran = new ArrayList<>();
        executor.execute(() -> ran.add("a"));
        runAll(pool);
        open[0] = false;
        executor.execute(() -> ran.add("b"));
        runAll(pool);
        assertEquals(List.of("a"), ran, "the gate closed after a: b waits");
        executor.execute(() -> ran.add("c"));
        assertTrue(pool.isEmpty(), "a paused executor does not start another drain");

        open[0] = true;
        resumes.forEach(Runnable::run);
        runAll(pool);
        assertEquals(List.of("a", "b", "c"), ran);
    }

    @Test
    void aTaskThatThrowsAnErrorDoesNotWedgeTheExecutor() {
        List<Runnable> pool = new ArrayList<>();
        SerialExecutor executor = new SerialExecutor(pool::add);
        List<String> ran = new ArrayList<>();
        Thread.UncaughtExceptionHandler previous = Thread.currentThread().getUncaughtExceptionHandler();
        List<Throwable> reported = new ArrayList<>();
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> reported.add(e));
        try {
            executor.execute(() -> {
                throw new OutOfMemoryError("Cannot reserve 2097152 bytes of direct buffer memory");
            });
            executor.execute(() -> ran.add("after"));
            runAll(pool);
            executor.execute(() -> ran.add("later"));
            runAll(pool);
        } finally {
            Thread.currentThread().setUncaughtExceptionHandler(previous);
        }
        assertEquals(List.of("after", "later"), ran);
        assertEquals(1, reported.size());
    }

    private static void runAll(List<Runnable> pool) {
        while (!pool.isEmpty()) {
            pool.remove(0).run();
        }
    }
}
