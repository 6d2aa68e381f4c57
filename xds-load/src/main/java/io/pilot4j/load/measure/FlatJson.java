package io.pilot4j.load.measure;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A report as one flat JSON object of numbers and strings, and back: enough for the tool's own files (so that
 * {@code compare} reads what {@code run} wrote) without a JSON library.
 */
public final class FlatJson {
    private FlatJson() {
    }

    public static String write(Map<String, Object> fields) {
        StringBuilder b = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            b.append("  ").append(quote(e.getKey())).append(": ").append(value(e.getValue()));
            b.append(++i < fields.size() ? ",\n" : "\n");
        }
        return b.append("}\n").toString();
    }

    private static String value(Object v) {
        if (v instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.4f", d);
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return v == null ? "null" : quote(v.toString());
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** Parses what {@link #write} writes: numbers become Double, null stays null, strings are unescaped. */
    public static Map<String, Object> read(String json) {
        Map<String, Object> out = new LinkedHashMap<>();
        int[] pos = {skip(json, 0)};
        expect(json, pos, '{');
        while (true) {
            pos[0] = skip(json, pos[0]);
            if (json.charAt(pos[0]) == '}') {
                return out;
            }
            String key = string(json, pos);
            pos[0] = skip(json, pos[0]);
            expect(json, pos, ':');
            pos[0] = skip(json, pos[0]);
            Object value;
            char c = json.charAt(pos[0]);
            if (c == '"') {
                value = string(json, pos);
            } else {
                int end = pos[0];
                while (end < json.length() && ",}\n ".indexOf(json.charAt(end)) < 0) {
                    end++;
                }
                String token = json.substring(pos[0], end);
                pos[0] = end;
                value = switch (token) {
                    case "null" -> null;
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> Double.parseDouble(token);
                };
            }
            out.put(key, value);
            pos[0] = skip(json, pos[0]);
            if (json.charAt(pos[0]) == ',') {
                pos[0]++;
            }
        }
    }

    private static String string(String json, int[] pos) {
        expect(json, pos, '"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = json.charAt(pos[0]++);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = json.charAt(pos[0]++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'u' -> {
                    b.append((char) Integer.parseInt(json.substring(pos[0], pos[0] + 4), 16));
                    pos[0] += 4;
                }
                default -> b.append(e);
            }
        }
    }

    private static void expect(String json, int[] pos, char c) {
        if (json.charAt(pos[0]) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at offset " + pos[0]);
        }
        pos[0]++;
    }

    private static int skip(String json, int i) {
        while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
            i++;
        }
        return i;
    }
}
