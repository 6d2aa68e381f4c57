package io.pilot4j.mesh;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * One JSON value to one Java value, by protobuf JSON's rules (what Istio's loader applies), failing with the
 * field's path and what was wanted. YAML arrives here as the same tree, so YAML's unquoted scalars are held to the
 * same rules: {@code proxyMetadata: {DNS_CAPTURE: true}} is a boolean where a string is wanted, as in Istio.
 */
final class JsonValues {

    private static final int MAX_SHOWN = 60;

    private JsonValues() {
    }

    static String string(JsonNode node, String path) {
        if (node.isTextual()) {
            return node.textValue();
        }
        String hint = node.isValueNode() ? " (put it in quotes)" : "";
        throw new InvalidFieldException(path, "want a string, got " + describe(node) + hint);
    }

    static boolean bool(JsonNode node, String path) {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        throw new InvalidFieldException(path, "want true or false, got " + describe(node));
    }

    /** protobuf JSON takes int32 as a number or a numeric string, and 1.0 or 1e3 when the value is whole. */
    static int int32(JsonNode node, String path) {
        BigDecimal number = wholeNumber(node, path);
        try {
            return number.intValueExact();
        } catch (ArithmeticException tooBig) {
            throw new InvalidFieldException(path, describe(node) + " is out of range for a 32-bit integer");
        }
    }

    static int uint32(JsonNode node, String path) {
        int value = int32(node, path);
        if (value < 0) {
            throw new InvalidFieldException(path, value + " is negative; want 0 or more");
        }
        return value;
    }

    /** A string such as "10s" or "1m30s"; YAML's unquoted 0 is a number, and means zero here too. */
    static Duration duration(JsonNode node, String path) {
        if (!node.isTextual() && !node.isNumber()) {
            throw new InvalidFieldException(path, "want a duration such as \"10s\", got " + describe(node));
        }
        try {
            return DurationText.parse(node.asText());
        } catch (IllegalArgumentException invalid) {
            throw new InvalidFieldException(path, invalid.getMessage());
        }
    }

    static List<JsonNode> list(JsonNode node, String path) {
        if (!node.isArray()) {
            throw new InvalidFieldException(path, "want a list, got " + describe(node));
        }
        List<JsonNode> elements = new ArrayList<>();
        node.elements().forEachRemaining(elements::add);
        return elements;
    }

    /** A proto map: an object whose values all convert with {@code value}; keys are data, not field names. */
    static <V> Map<String, V> map(JsonNode node, String path, BiFunction<JsonNode, String, V> value) {
        if (!node.isObject()) {
            throw new InvalidFieldException(path, "want an object of key: value pairs, got " + describe(node));
        }
        Map<String, V> map = new LinkedHashMap<>();
        node.properties().forEach(entry ->
                map.put(entry.getKey(), value.apply(entry.getValue(), path + "[\"" + entry.getKey() + "\"]")));
        return map;
    }

    /** How a value appears in messages: strings quoted, numbers and booleans as written, containers by kind. */
    static String describe(JsonNode node) {
        if (node.isTextual()) {
            String text = node.textValue();
            return '"' + (text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text) + '"';
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.asText();
    }

    private static BigDecimal wholeNumber(JsonNode node, String path) {
        BigDecimal number;
        if (node.isNumber()) {
            number = node.decimalValue();
        } else if (node.isTextual()) {
            try {
                number = new BigDecimal(node.textValue());
            } catch (NumberFormatException notNumeric) {
                throw new InvalidFieldException(path, "want a number, got " + describe(node));
            }
        } else {
            throw new InvalidFieldException(path, "want a number, got " + describe(node));
        }
        if (number.stripTrailingZeros().scale() > 0) {
            throw new InvalidFieldException(path, "want a whole number, got " + describe(node));
        }
        return number;
    }
}
