package io.pilot4j.load.measure;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PercentilesTest {

    @Test
    void nearestRank() {
        double[] values = new double[1000];
        for (int i = 0; i < values.length; i++) {
            values[values.length - 1 - i] = i + 1; // 1..1000, unsorted
        }
        Percentiles p = Percentiles.of(values);
        assertEquals(1000, p.count());
        assertEquals(500, p.p50());
        assertEquals(990, p.p99());
        assertEquals(1000, p.max());
    }

    @Test
    void p99OfTwentyIsTheLargest() {
        double[] values = new double[20];
        for (int i = 0; i < 20; i++) {
            values[i] = i;
        }
        Percentiles p = Percentiles.of(values);
        assertEquals(9, p.p50());
        assertEquals(19, p.p99());
    }

    @Test
    void oneValueAndNone() {
        Percentiles one = Percentiles.of(new double[]{0.25});
        assertEquals(0.25, one.p50());
        assertEquals(0.25, one.p99());
        assertEquals(0, Percentiles.of(new double[0]).count());
        assertTrue(Double.isNaN(Percentiles.of(new double[0]).p50()));
    }
}
