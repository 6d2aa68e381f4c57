package io.pilot4j.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline instead of sleeping a fixed time. */
public final class Await {
    private Await() {
    }

    /** Polls {@code condition} until it holds; fails with {@code what} and the last observed state when the deadline passes. */
    public static void until(Duration deadline, String what, BooleanSupplier condition, Supplier<String> state) {
        long end = System.nanoTime() + deadline.toNanos();
        long pause = 5;
        while (true) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline.toMillis() + " ms waiting for " + what + "; last state: " + state.get());
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
            pause = Math.min(pause * 2, 100);
        }
    }

    public static void until(Duration deadline, String what, BooleanSupplier condition) {
        until(deadline, what, condition, () -> "n/a");
    }
}
