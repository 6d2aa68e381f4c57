package io.pilot4j.load.measure;

import java.util.Arrays;

/**
 * p50, p99 and max of a set of durations, by nearest rank: p99 of 20 values is the largest, of 1,000 the 990th.
 * No interpolation, so every figure reported is one that was measured.
 *
 * @param count how many values there were
 */
public record Percentiles(int count, double p50, double p99, double max) {
    public static final Percentiles NONE = new Percentiles(0, Double.NaN, Double.NaN, Double.NaN);

    public static Percentiles of(double[] values) {
        if (values.length == 0) {
            return NONE;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, rank(sorted, 50), rank(sorted, 99), sorted[sorted.length - 1]);
    }

    /** The smallest value with at least {@code pct} percent of values at or below it. */
    static double rank(double[] sorted, double pct) {
        int rank = (int) Math.ceil(pct / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }
}
