package io.pilot4j.serviceregistry.file;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.networking.RingHash;
import io.pilot4j.kube.networking.UnknownFields;
import io.pilot4j.serviceregistry.ConfigKind;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Turns the text of one file into {@link Document}s: YAML files may hold several documents separated by
 * {@code ---} lines, JSON files hold one object, and a {@code kind: List} holds its objects in {@code items}, as
 * kubectl accepts them. Every problem becomes an {@link Document.Invalid} naming the field, or the line and column
 * for syntax errors; nothing is thrown. Thread-safe.
 */
final class DocumentParser {
    private static final String UNKNOWN_FIELDS = "pilot4j.unknownFields";
    /** Istio's security kinds (PeerAuthentication, AuthorizationPolicy, RequestAuthentication): refused, not skipped. */
    private static final String SECURITY_GROUP = "security.istio.io/";

    private final ObjectMapper yaml;
    private final ObjectMapper json;
    /** Reads trees into fabric8 classes, reporting unknown fields and enum values instead of swallowing them. */
    private final ObjectMapper objects;

    DocumentParser() {
        yaml = new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        json = new ObjectMapper()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        objects = new ObjectMapper();
        objects.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        // fabric8 classes keep unknown fields in an "additionalProperties" map; turning that off lets the handler
        // below see them, so that a typo is reported instead of silently ignored.
        objects.setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
            private static final long serialVersionUID = 1L;

            @Override
            public Boolean hasAnySetter(Annotated a) {
                return Boolean.FALSE;
            }
        });
        objects.addHandler(new DeserializationProblemHandler() {
            @Override
            public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                                 Object bean, String propertyName) throws IOException {
                @SuppressWarnings("unchecked")
                List<String> unknown = (List<String>) ctxt.getAttribute(UNKNOWN_FIELDS);
                if (unknown != null) {
                    unknown.add(path(p.getParsingContext()));
                }
                p.skipChildren();
                return true;
            }
        });
        SimpleModule strictEnums = new SimpleModule("strict-enums");
        strictEnums.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyEnumDeserializer(DeserializationConfig config, JavaType type,
                                                              BeanDescription beanDesc, JsonDeserializer<?> deserializer) {
                return new StrictEnumDeserializer(deserializer, type.getRawClass());
            }
        });
        objects.registerModule(strictEnums);
        objects.registerModule(RingHash.module());
    }

    /** @param fileName decides the format: {@code .json} is JSON, anything else YAML */
    List<Document> parse(String fileName, String text) {
        List<Document> out = new ArrayList<>();
        if (fileName.endsWith(".json")) {
            try {
                JsonNode node = json.readTree(text);
                if (node != null && !node.isMissingNode()) {
                    addDocuments(out, 0, node, "");
                }
            } catch (JsonProcessingException e) {
                out.add(new Document.Invalid(0, "", "", "", syntaxError("JSON", e, 0)));
            }
            return out;
        }
        int index = 0;
        for (Chunk chunk : Chunk.split(text)) {
            // Read value by value: a MappingIterator would unwrap a top-level YAML list into several documents.
            try (JsonParser docs = yaml.getFactory().createParser(chunk.text())) {
                while (docs.nextToken() != null) {
                    JsonNode node = yaml.readTree(docs);
                    // Empty documents (a leading "---", comments only) are not documents, as for kubectl.
                    if (node != null && !node.isNull() && !node.isMissingNode()) {
                        addDocuments(out, index++, node, "");
                    }
                }
            } catch (JsonProcessingException e) {
                out.add(new Document.Invalid(index++, "", "", "", syntaxError("YAML", e, chunk.firstLine() - 1)));
            } catch (IOException e) {
                out.add(new Document.Invalid(index++, "", "", "", "cannot read: " + e.getMessage()));
            }
        }
        return out;
    }

    private void addDocuments(List<Document> out, int index, JsonNode node, String prefix) {
        if (!node.isObject()) {
            out.add(new Document.Invalid(index, "", "", "", (prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1) + ": ")
                    + "want an object with apiVersion and kind, got " + describe(node)));
            return;
        }
        String apiVersion = text(node.get("apiVersion"));
        String kind = text(node.get("kind"));
        JsonNode metadata = node.path("metadata");
        String name = text(metadata.get("name"));
        String namespace = text(metadata.get("namespace"));
        if (namespace.isEmpty() && !kind.isEmpty() && !kind.equals("List")) {
            // As kubectl would place it, so that errors name the object the same way however early they are found.
            namespace = Metadata.DEFAULT_NAMESPACE;
        }

        StringJoiner missing = new StringJoiner("; ");
        if (apiVersion.isEmpty()) {
            missing.add(prefix + "apiVersion: required");
        }
        if (kind.isEmpty()) {
            missing.add(prefix + "kind: required");
        }
        if (missing.length() > 0) {
            out.add(new Document.Invalid(index, kind, namespace, name, missing.toString()));
            return;
        }
        if (kind.equals("List")) {
            JsonNode items = node.path("items");
            if (!items.isMissingNode() && !items.isNull() && !items.isArray()) {
                out.add(new Document.Invalid(index, kind, namespace, name, prefix + "items: want a list, got " + describe(items)));
                return;
            }
            for (int i = 0; i < items.size(); i++) {
                addDocuments(out, index, items.get(i), prefix + "items[" + i + "].");
            }
            return;
        }
        Optional<ConfigKind.Served> supported = ConfigKind.find(apiVersion, kind);
        if (supported.isEmpty()) {
            List<String> versions = ConfigKind.apiVersionsOf(kind);
            if (apiVersion.startsWith(SECURITY_GROUP)) {
                // Skipping a policy would serve proxies that enforce none of it, as if it were not there.
                out.add(new Document.Invalid(index, kind, namespace, name, prefix + "kind: " + kind + " (" + apiVersion
                        + ") is not supported yet: pilot4j applies no mTLS, authentication or authorization policy, so "
                        + "nothing would enforce it"));
            } else if (versions.isEmpty()) {
                out.add(new Document.Skipped(index, apiVersion, kind, name));
            } else {
                out.add(new Document.Invalid(index, kind, namespace, name, prefix + "apiVersion: \"" + apiVersion
                        + "\" is not served for " + kind + ": want " + String.join(" or ", versions)));
            }
            return;
        }
        List<String> unknown = new ArrayList<>();
        try {
            HasMetadata object = objects.readerFor(supported.get().type())
                    .withAttribute(UNKNOWN_FIELDS, unknown)
                    .readValue(node);
            if (supported.get().kind().role() == ConfigKind.Role.RULE) {
                // fabric8 drops unknown fields inside oneof objects before the handler above sees them; the spec is
                // checked against its class instead, so that every typo in a rule is found.
                unknown.removeIf(u -> u.startsWith("spec"));
                unknown.addAll(UnknownFields.of(node.path("spec"), specType(supported.get()), "spec"));
            }
            List<String> prefixed = unknown.stream().map(u -> prefix + u).toList();
            out.add(new Document.Parsed(index, supported.get(), object, prefixed));
        } catch (JsonMappingException e) {
            out.add(new Document.Invalid(index, kind, namespace, name, prefix + wrongValue(e, node)));
        } catch (IOException e) {
            out.add(new Document.Invalid(index, kind, namespace, name, prefix + e.getMessage()));
        }
    }

    private static Class<?> specType(ConfigKind.Served kind) {
        try {
            return kind.type().getDeclaredField("spec").getType();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(kind + " has no spec", e);
        }
    }

    /** "spec.ports[0].port: want an integer, got \"abc\"" from Jackson's exception and the tree it was reading. */
    private static String wrongValue(JsonMappingException e, JsonNode root) {
        StringBuilder path = new StringBuilder();
        JsonNode value = root;
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
                value = value == null ? null : value.get(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
                value = value == null ? null : value.get(ref.getIndex());
            }
        }
        String where = path.length() == 0 ? "document" : path.toString();
        Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
        if (target == null && e instanceof InvalidFormatException f) {
            target = f.getTargetType();
        }
        if (target == null) {
            return where + ": " + firstLine(e.getOriginalMessage());
        }
        String got = value == null ? "" : ", got " + describe(value);
        return where + ": want " + expected(target) + got;
    }

    private static String expected(Class<?> type) {
        if (type.isEnum()) {
            StringJoiner names = new StringJoiner(", ");
            for (Object c : type.getEnumConstants()) {
                names.add(((Enum<?>) c).name());
            }
            return "one of " + names;
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == IntOrString.class) {
            return "an integer or a string";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "a map";
        }
        return "an object";
    }

    private static String describe(JsonNode node) {
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "\"" + node.asText() + "\"";
        }
        return node.asText();
    }

    private static String syntaxError(String format, JsonProcessingException e, int lineOffset) {
        JsonLocation at = e.getLocation();
        String problem = firstLine(e.getOriginalMessage());
        // snakeyaml says what it was doing ("while parsing a flow sequence") and what went wrong on separate lines.
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException y) {
            problem = y.getContext() == null ? y.getProblem() : y.getContext() + ": " + y.getProblem();
            if (y.getProblemMark() != null) {
                return "invalid " + format + " at line " + (y.getProblemMark().getLine() + 1 + lineOffset)
                        + ", column " + (y.getProblemMark().getColumn() + 1) + ": " + problem;
            }
        }
        if (at == null || at.getLineNr() < 1) {
            return "invalid " + format + ": " + problem;
        }
        return "invalid " + format + " at line " + (at.getLineNr() + lineOffset) + ", column " + at.getColumnNr() + ": " + problem;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }

    private static String text(JsonNode node) {
        return node == null || !node.isValueNode() || node.isNull() ? "" : node.asText();
    }

    /** Kubernetes' form of a parser position: spec.ports[0].nmae. */
    private static String path(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.push((c.getParent() == null || c.getParent().inRoot() ? "" : ".") + c.getCurrentName());
            }
        }
        return String.join("", parts);
    }

    /**
     * fabric8's enums turn an unknown value into null, which would silently make "resolution: DSN" the default;
     * this reports it as a wrong value instead.
     */
    private static final class StrictEnumDeserializer extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;
        private final Class<?> enumType;

        StrictEnumDeserializer(JsonDeserializer<?> delegate, Class<?> enumType) {
            super(delegate);
            this.enumType = enumType;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new StrictEnumDeserializer(newDelegatee, enumType);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            String text = token != null && token.isScalarValue() ? p.getText() : String.valueOf(token);
            Object value = super.deserialize(p, ctxt);
            if (value == null && token != JsonToken.VALUE_NULL) {
                throw InvalidFormatException.from(p, "unknown value", text, enumType);
            }
            return value;
        }
    }

    /** The text of one "---"-separated part of a YAML file and the line it starts on (1-based). */
    private record Chunk(String text, int firstLine) {
        /**
         * Splits on separator lines as kubectl's YAML reader does, so that one broken document does not hide the
         * problems of the next, and line numbers stay those of the file.
         */
        static List<Chunk> split(String text) {
            List<Chunk> out = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            int first = 1;
            int line = 0;
            for (String l : text.split("\n", -1)) {
                line++;
                if (isSeparator(l)) {
                    out.add(new Chunk(current.toString(), first));
                    current.setLength(0);
                    first = line + 1;
                } else {
                    current.append(l).append('\n');
                }
            }
            out.add(new Chunk(current.toString(), first));
            return out;
        }

        private static boolean isSeparator(String line) {
            if (!line.startsWith("---")) {
                return false;
            }
            String rest = line.substring(3).strip();
            return rest.isEmpty() || rest.startsWith("#");
        }
    }
}
