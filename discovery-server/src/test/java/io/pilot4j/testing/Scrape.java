package io.pilot4j.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One Prometheus text-format scrape, parsed the way Prometheus reads it: samples by series name and labels, and the
 * {@code # TYPE} of each family. Strict: a line it cannot read fails the test, so a malformed exposition cannot pass.
 */
public final class Scrape {
    /** A series: its name and its labels (sorted). */
    public record Series(String name, Map<String, String> labels) {
        @Override
        public String toString() {
            return name + labels;
        }
    }

    private final String text;
    private final Map<Series, Double> samples = new LinkedHashMap<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    private Scrape(String text) {
        this.text = text;
    }

    public static Scrape parse(String text) {
        Scrape scrape = new Scrape(text);
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("# HELP ")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring("# TYPE ".length()).split(" ");
                if (parts.length != 2 || scrape.types.put(parts[0], parts[1]) != null) {
                    throw new AssertionError("bad or repeated TYPE line: " + line);
                }
                continue;
            }
            scrape.sample(line);
        }
        return scrape;
    }

    private void sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        String name;
        Map<String, String> labels = new TreeMap<>();
        int rest;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf("=\"", i);
                String key = line.substring(i, eq);
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(key, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            rest = i + 1;
        } else {
            name = line.substring(0, space);
            rest = space;
        }
        String[] value = line.substring(rest).trim().split(" ");
        Series series = new Series(name, labels);
        if (samples.put(series, Double.parseDouble(value[0].replace("+Inf", "Infinity"))) != null) {
            throw new AssertionError("repeated series " + series + " in:\n" + text);
        }
    }

    /** The value of the series with exactly these labels ({@code "type", "cds", ...}), if it is there. */
    public Optional<Double> find(String name, String... labelPairs) {
        return Optional.ofNullable(samples.get(new Series(name, labels(labelPairs))));
    }

    /** The value of the series with exactly these labels; fails if it is not there. */
    public double value(String name, String... labelPairs) {
        return find(name, labelPairs).orElseThrow(() -> new AssertionError(
                new Series(name, labels(labelPairs)) + " not in the scrape; series named " + name + ": " + series(name)));
    }

    /** Every series of one name. */
    public List<Series> series(String name) {
        return samples.keySet().stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The family's {@code # TYPE}, or null. */
    public String type(String family) {
        return types.get(family);
    }

    public boolean hasFamily(String family) {
        return types.containsKey(family);
    }

    public String text() {
        return text;
    }

    private static Map<String, String> labels(String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("label pairs: " + List.of(pairs));
        }
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(Objects.requireNonNull(pairs[i]), Objects.requireNonNull(pairs[i + 1]));
        }
        return out;
    }
}
