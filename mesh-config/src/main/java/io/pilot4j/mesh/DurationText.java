package io.pilot4j.mesh;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Istio users write them. Istio's mesh file goes through YAML to protobuf JSON, which wants "10s" or
 * "1.5s"; users also paste Go durations ("500ms", "1m30s") from istioctl output and Go flags, so both are read.
 * Written the way protobuf JSON prints them, which is what Istio's debug endpoints show.
 */
public final class DurationText {

    private static final String HINT = "want a number with a unit, e.g. \"10s\", \"1.5s\", \"500ms\", \"1m30s\"";

    /** One number-with-unit term; Go allows "1.", ".5" and repeated terms ("1h30m", "1s500ms"). */
    private static final Pattern TERM = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "µs", 1_000L, // U+00B5 micro sign, what Go prints
            "μs", 1_000L, // U+03BC Greek mu, what people type
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L);

    /** Go's limit (int64 nanoseconds, about 292 years): anything longer is a typo, not a timeout. */
    private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

    private DurationText() {
    }

    /**
     * Reads "10s", "1.5s", "500ms", "1m30s", "250us", "0s" or "0".
     *
     * @throws IllegalArgumentException with a message naming the text and what is wanted
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        if (text.startsWith("-")) {
            throw new IllegalArgumentException("invalid duration " + quote(text) + " (must not be negative)");
        }
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher term = TERM.matcher(text);
        int end = 0;
        while (end < text.length() && term.find(end) && term.start() == end) {
            BigDecimal amount = new BigDecimal(term.group(1).endsWith(".") ? term.group(1) + "0" : term.group(1));
            nanos = nanos.add(amount.multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(term.group(2)))));
            end = term.end();
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException("invalid duration " + quote(text) + " (" + HINT + ")");
        }
        // Go truncates digits finer than a nanosecond; so do we.
        BigInteger wholeNanos = nanos.toBigInteger();
        if (wholeNanos.compareTo(MAX_NANOS) > 0) {
            throw new IllegalArgumentException("invalid duration " + quote(text) + " (too long)");
        }
        return Duration.ofNanos(wholeNanos.longValueExact());
    }

    /** Protobuf JSON form: "10s", "1.500s", "0.000250s" (0, 3, 6 or 9 fraction digits). */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration " + duration);
        }
        int nanos = duration.getNano();
        String seconds = Long.toString(duration.getSeconds());
        if (nanos == 0) {
            return seconds + "s";
        }
        if (nanos % 1_000_000 == 0) {
            return seconds + String.format(".%03ds", nanos / 1_000_000);
        }
        if (nanos % 1_000 == 0) {
            return seconds + String.format(".%06ds", nanos / 1_000);
        }
        return seconds + String.format(".%09ds", nanos);
    }

    private static String quote(String text) {
        return '"' + text + '"';
    }
}
