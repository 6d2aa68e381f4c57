package io.pilot4j.mesh;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One object of the mesh file (MeshConfig, defaultConfig, ...) read the way protobuf JSON reads it into Istio's
 * messages: typed getters that fall back to a default when the field is absent or null, and that throw
 * {@link InvalidFieldException} with the field's full path when the value has the wrong type.
 *
 * <p>Unknown fields are reported to the shared warning list when the object is opened, so parents warn before
 * their children and each object in document order.
 */
final class ConfigObject {

    private final String path;
    private final MessageFields fields;
    private final List<String> warnings;
    /** By JSON name; the key as written is kept for messages. */
    private final Map<String, Map.Entry<String, JsonNode>> values = new LinkedHashMap<>();

    private ConfigObject(String path, JsonNode node, MessageFields fields, List<String> warnings) {
        this.path = path;
        this.fields = fields;
        this.warnings = warnings;
        if (!node.isObject()) {
            throw new InvalidFieldException(path, "want an object of " + fields.messageName() + " fields, got "
                    + JsonValues.describe(node));
        }
        node.properties().forEach(field -> add(field.getKey(), field.getValue()));
        for (Map.Entry<String, Map.Entry<String, JsonNode>> field : values.entrySet()) {
            if (!fields.isIstioField(field.getKey())) {
                warnings.add("unknown field \"" + join(path, field.getValue().getKey()) + "\" (not in Istio's "
                        + fields.messageName() + "; ignored)");
            }
        }
    }

    /** The document's top object. */
    static ConfigObject root(JsonNode node, MessageFields fields, List<String> warnings) {
        return new ConfigObject("", node, fields, warnings);
    }

    /** protobuf JSON accepts the proto name too ("connect_timeout"); both forms of one field is an error. */
    private void add(String key, JsonNode value) {
        String jsonName = ProtoNames.jsonName(key);
        Map.Entry<String, JsonNode> earlier = values.put(jsonName, Map.entry(key, value));
        if (earlier != null) {
            throw new InvalidFieldException(join(path, jsonName),
                    "given twice, as \"" + earlier.getKey() + "\" and \"" + key + "\"");
        }
    }

    String string(String name, String absent) {
        return value(name).map(node -> JsonValues.string(node, fieldPath(name))).orElse(absent);
    }

    boolean bool(String name, boolean absent) {
        return value(name).map(node -> JsonValues.bool(node, fieldPath(name))).orElse(absent);
    }

    int int32(String name, int absent) {
        return value(name).map(node -> JsonValues.int32(node, fieldPath(name))).orElse(absent);
    }

    Duration duration(String name, Duration absent) {
        return value(name).map(node -> JsonValues.duration(node, fieldPath(name))).orElse(absent);
    }

    /** @param allowed the values Istio accepts here, in the order the message lists them */
    <E extends Enum<E>> E enumValue(String name, List<E> allowed, E absent) {
        return value(name).map(node -> {
            for (E candidate : allowed) {
                if (node.isTextual() && node.textValue().equals(candidate.name())) {
                    return candidate;
                }
            }
            throw new InvalidFieldException(fieldPath(name), JsonValues.describe(node) + " is not one of "
                    + allowed.stream().map(Enum::name).collect(Collectors.joining(", ")));
        }).orElse(absent);
    }

    List<String> stringList(String name, List<String> absent) {
        return value(name).map(node -> {
            String listPath = fieldPath(name);
            List<String> strings = new ArrayList<>();
            for (JsonNode element : JsonValues.list(node, listPath)) {
                strings.add(JsonValues.string(element, listPath + "[" + strings.size() + "]"));
            }
            return strings;
        }).orElse(absent);
    }

    /** A proto {@code map<string, string>}; empty when absent. */
    Map<String, String> stringMap(String name) {
        return value(name).map(node -> JsonValues.map(node, fieldPath(name), JsonValues::string)).orElse(Map.of());
    }

    /** A proto {@code map<string, uint32>}; empty when absent. */
    Map<String, Integer> uint32Map(String name) {
        return value(name).map(node -> JsonValues.map(node, fieldPath(name), JsonValues::uint32)).orElse(Map.of());
    }

    Optional<ConfigObject> object(String name, MessageFields childFields) {
        return value(name).map(node -> new ConfigObject(fieldPath(name), node, childFields, warnings));
    }

    /** A repeated message field; empty when absent. */
    List<ConfigObject> objectList(String name, MessageFields elementFields) {
        return value(name).map(node -> {
            String listPath = fieldPath(name);
            List<ConfigObject> objects = new ArrayList<>();
            for (JsonNode element : JsonValues.list(node, listPath)) {
                objects.add(new ConfigObject(listPath + "[" + objects.size() + "]", element, elementFields, warnings));
            }
            return objects;
        }).orElse(List.of());
    }

    /**
     * A JSON null reads as absent: protobuf JSON leaves the field unset, and unset here means the default.
     * Reading a field IstioFields doesn't list as used is a bug: that field would also be warned about as unknown.
     */
    private Optional<JsonNode> value(String name) {
        if (!fields.used().contains(name)) {
            throw new IllegalStateException(name + " is not listed as used in " + fields.messageName()
                    + " (IstioFields)");
        }
        Map.Entry<String, JsonNode> entry = values.get(name);
        return entry == null || entry.getValue().isNull() ? Optional.empty() : Optional.of(entry.getValue());
    }

    private String fieldPath(String name) {
        return join(path, name);
    }

    private static String join(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }
}
