package io.pilot4j.testing;

/** Tearing down what a test class started. */
public final class Closeables {
    private Closeables() {
    }

    /** Closes each in order, skipping nulls (set-up stopped early) and going on past failures: best effort. */
    public static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable c : resources) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // The next resource still gets closed.
            }
        }
    }
}
