package io.pilot4j.serviceregistry.file;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Waits for a condition by polling it until a deadline: how tests synchronise with the watch thread, never by sleeping a guess. */
final class Eventually {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private Eventually() {
    }

    static void waitUntil(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out after " + DEADLINE.toSeconds() + "s waiting until " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting until " + what);
            }
        }
    }
}
