package io.pilot4j.kube.networking;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * What Envoy's RE2 refuses in a regex that RE2/J (and Go's regexp, which Istio validates with) accepts, measured on
 * Envoy 1.40: nested repetitions whose counts multiply past 1000 ({@code (a{10}){101}}: "invalid repetition size",
 * RE2's RepetitionWalker), {@code \x{...}} escapes above U+00FF ("invalid escape sequence"), and a compiled program
 * larger than {@code re2.max_program_size.error_level} (32768 in Istio's bootstraps and pilot4j's).
 *
 * <p>The regex has already passed RE2/J, so this reads a well-formed RE2 regex. The program size is counted low
 * (one instruction per literal or class, copies for each repetition), so a regex refused here is certainly refused
 * by Envoy; one a little under the limit here may still be over it there.
 */
public final class Re2Limits {
    /**
     * Istio's limit on a regex's length (validateStringRegexp). A program is always larger than its text: Istio's
     * bootstraps raise Envoy's limit on programs to {@link #MAX_PROGRAM_SIZE} so that ordinary regexes this long fit.
     */
    static final int MAX_LENGTH = 1024;
    /** RE2's kMaxRepeat, for a single count and for the product of nested ones. */
    static final int MAX_REPEAT = 1000;
    /**
     * The error level Istio's bootstraps set ({@code re2.max_program_size.error_level}), and pilot4j's; Envoy's own
     * default is 100.
     */
    public static final int MAX_PROGRAM_SIZE = 32768;

    private Re2Limits() {
    }

    /** The first limit {@code regex} exceeds, in words; empty when Envoy takes it. */
    static Optional<String> problem(String regex) {
        return new Scan(regex).run();
    }

    /** One pass over the regex, a frame per open group. */
    private static final class Scan {
        private final String re;
        private int i;
        private final Deque<Frame> frames = new ArrayDeque<>();

        /**
         * @param size         program size of the group so far (alternatives summed)
         * @param nesting      the largest product of nested repetition counts inside it
         * @param lastSize     size of the last atom, which a following repetition copies
         * @param lastNesting  nesting of the last atom
         */
        private static final class Frame {
            long size;
            long nesting = 1;
            long lastSize;
            long lastNesting = 1;
            boolean capturing;
        }

        Scan(String re) {
            this.re = re;
        }

        Optional<String> run() {
            frames.push(new Frame());
            while (i < re.length()) {
                char c = re.charAt(i);
                Frame f = frames.peek();
                switch (c) {
                    case '(' -> {
                        Frame g = new Frame();
                        g.capturing = !re.startsWith("(?", i) || re.startsWith("(?P<", i) || re.startsWith("(?<", i);
                        i = re.startsWith("(?", i) ? skipGroupPrefix(i) : i + 1;
                        frames.push(g);
                        continue;
                    }
                    case ')' -> {
                        Frame g = frames.pop();
                        Frame parent = frames.peek();
                        atom(parent, g.size + (g.capturing ? 2 : 0), g.nesting);
                        i++;
                        continue;
                    }
                    case '|' -> {
                        f.size++;
                        f.lastSize = 0;
                        f.lastNesting = 1;
                        i++;
                        continue;
                    }
                    case '*', '+', '?' -> {
                        f.size++;
                        i++;
                        if (i < re.length() && re.charAt(i) == '?') {
                            i++;
                        }
                        continue;
                    }
                    case '{' -> {
                        int[] counts = repeat(i);
                        if (counts != null) {
                            Optional<String> p = repetition(f, counts);
                            if (p.isPresent()) {
                                return p;
                            }
                            continue;
                        }
                        atom(f, 1, 1);
                        i++;
                        continue;
                    }
                    case '[' -> {
                        Optional<String> p = skipClass();
                        if (p.isPresent()) {
                            return p;
                        }
                        atom(f, 1, 1);
                        continue;
                    }
                    case '\\' -> {
                        Optional<String> p = skipEscape();
                        if (p.isPresent()) {
                            return p;
                        }
                        continue;
                    }
                    default -> {
                        atom(f, 1, 1);
                        i++;
                    }
                }
            }
            long size = frames.peek().size;
            if (size > MAX_PROGRAM_SIZE) {
                return Optional.of("compiles to more than " + size + " RE2 instructions, above Envoy's limit of " + MAX_PROGRAM_SIZE
                        + " (re2.max_program_size.error_level): simplify the regex or its repetition counts");
            }
            return Optional.empty();
        }

        private static void atom(Frame f, long size, long nesting) {
            f.size += size;
            f.lastSize = size;
            f.lastNesting = nesting;
            f.nesting = Math.max(f.nesting, nesting);
        }

        /** {@code x{n}}, {@code x{n,}}, {@code x{n,m}}: n copies, and m-n optional ones (an alternation each). */
        private Optional<String> repetition(Frame f, int[] counts) {
            int end = counts[2];
            String op = re.substring(i, end);
            int min = counts[0];
            int max = counts[1];
            long count = max >= 0 ? max : min;
            long nesting = f.lastNesting * Math.max(count, 1);
            if (count > 0 && nesting > MAX_REPEAT) {
                return Optional.of("repetition " + op + " nests to " + nesting + " repeats, more than RE2's " + MAX_REPEAT
                        + " (Envoy: invalid repetition size)");
            }
            // x{n,} is n-1 copies and x+; x{n,m} is m copies, m-n of them optional.
            long copies = max >= 0 ? max : Math.max(min, 1);
            long extra = max >= 0 ? max - min : 1;
            f.size += f.lastSize * (copies - 1) + extra;
            f.nesting = Math.max(f.nesting, nesting);
            f.lastNesting = nesting;
            i = end;
            if (i < re.length() && re.charAt(i) == '?') {
                i++;
            }
            return Optional.empty();
        }

        /** {min, max (-1 unbounded), end index} when a repetition operator starts at {@code at}; else RE2 reads a literal brace. */
        private int[] repeat(int at) {
            int j = at + 1;
            int minStart = j;
            while (j < re.length() && Character.isDigit(re.charAt(j))) {
                j++;
            }
            if (j == minStart || j >= re.length()) {
                return null;
            }
            int min = parseCount(re.substring(minStart, j));
            int max = min;
            if (re.charAt(j) == ',') {
                j++;
                int maxStart = j;
                while (j < re.length() && Character.isDigit(re.charAt(j))) {
                    j++;
                }
                max = j == maxStart ? -1 : parseCount(re.substring(maxStart, j));
            }
            if (j >= re.length() || re.charAt(j) != '}') {
                return null;
            }
            return new int[]{min, max, j + 1};
        }

        private static int parseCount(String digits) {
            // RE2/J has already refused counts above 1000.
            return digits.length() > 4 ? MAX_REPEAT + 1 : Integer.parseInt(digits);
        }

        private int skipGroupPrefix(int at) {
            // (?:, (?i), (?i:, (?P<name>, (?<name>: the group's body starts after ':' or '>'; a bare flag group ends at ')'.
            int j = at + 2;
            while (j < re.length()) {
                char c = re.charAt(j);
                if (c == ':' || c == '>') {
                    return j + 1;
                }
                if (c == ')') {
                    return j;
                }
                j++;
            }
            return j;
        }

        /** A character class; its escapes are checked as outside one. */
        private Optional<String> skipClass() {
            i++;
            if (i < re.length() && re.charAt(i) == '^') {
                i++;
            }
            if (i < re.length() && re.charAt(i) == ']') {
                i++;
            }
            while (i < re.length() && re.charAt(i) != ']') {
                if (re.startsWith("[:", i)) {
                    int close = re.indexOf(":]", i + 2);
                    i = close < 0 ? re.length() : close + 2;
                } else if (re.charAt(i) == '\\') {
                    Optional<String> p = checkEscape();
                    if (p.isPresent()) {
                        return p;
                    }
                } else {
                    i++;
                }
            }
            i++;
            return Optional.empty();
        }

        /** An escape outside a class: one atom, or a quoted literal run. */
        private Optional<String> skipEscape() {
            Frame f = frames.peek();
            if (re.startsWith("\\Q", i)) {
                int end = re.indexOf("\\E", i + 2);
                int stop = end < 0 ? re.length() : end;
                for (int k = i + 2; k < stop; k++) {
                    atom(f, 1, 1);
                }
                i = end < 0 ? re.length() : end + 2;
                return Optional.empty();
            }
            Optional<String> p = checkEscape();
            atom(f, 1, 1);
            return p;
        }

        /** Moves past one escape; {@code \x{...}} above U+00FF is what Envoy's RE2 refuses. */
        private Optional<String> checkEscape() {
            int start = i;
            char k = i + 1 < re.length() ? re.charAt(i + 1) : 0;
            if ((k == 'x' || k == 'p' || k == 'P') && i + 2 < re.length() && re.charAt(i + 2) == '{') {
                int close = re.indexOf('}', i + 3);
                i = close < 0 ? re.length() : close + 1;
                if (k == 'x' && close > 0) {
                    String hex = re.substring(start + 3, close);
                    long value = hex.length() > 8 ? Long.MAX_VALUE : Long.parseLong(hex, 16);
                    if (value > 0xFF) {
                        return Optional.of("\\x{" + hex + "}: Envoy's RE2 takes character codes up to \\x{FF} only "
                                + "(invalid escape sequence); write the character itself");
                    }
                }
                return Optional.empty();
            }
            // \pN, \xFF and octal \0, \07, \077 are one character each, like \d or \.
            i += switch (k) {
                case 'p', 'P' -> 3;
                case 'x' -> 4;
                case '0' -> 2 + octalDigits(i + 2);
                default -> 2;
            };
            i = Math.min(i, re.length());
            return Optional.empty();
        }

        private int octalDigits(int at) {
            int n = 0;
            while (n < 2 && at + n < re.length() && re.charAt(at + n) >= '0' && re.charAt(at + n) <= '7') {
                n++;
            }
            return n;
        }
    }
}
