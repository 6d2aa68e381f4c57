package io.pilot4j.mesh;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.Mark;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;

import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The mesh file's text as a tree. Read as YAML, as Istio does (JSON is YAML too); JSON documents are read again
 * as JSON when YAML refuses them, because YAML forbids the tab indentation that JSON files often have.
 */
final class MeshDocument {

    // Without these a repeated key would silently win over the first, and a second document be ignored.
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, ..." */
    private static final Pattern JACKSON_SOURCE = Pattern.compile("Source: [^;]*; ");

    private MeshDocument() {
    }

    /** Empty when the text holds no document (blank, only comments, or {@code null}): the defaults apply. */
    static Optional<JsonNode> parse(String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // Windows editors' byte order mark; no part of the document
        }
        try {
            return present(YAML.readTree(text));
        } catch (JsonProcessingException yamlError) {
            if (!looksLikeJson(text)) {
                throw malformed(yamlError);
            }
            try {
                return present(JSON.readTree(text));
            } catch (JsonProcessingException jsonError) {
                // Written as JSON, so JSON's complaint is the one that points at the mistake.
                throw malformed(jsonError);
            }
        }
    }

    private static Optional<JsonNode> present(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? Optional.empty() : Optional.of(node);
    }

    private static boolean looksLikeJson(String text) {
        String start = text.stripLeading();
        return start.startsWith("{") || start.startsWith("[");
    }

    private static InvalidFieldException malformed(JsonProcessingException e) {
        return new InvalidFieldException("", at(e) + "malformed YAML/JSON: " + reason(e.getOriginalMessage()));
    }

    /**
     * For YAML, SnakeYAML's problem mark: Jackson's own location is where its reader stopped, often lines off.
     * Jackson's wrapper of the mark is deprecated but is the only way to it without depending on SnakeYAML.
     */
    @SuppressWarnings("deprecation")
    private static String at(JsonProcessingException e) {
        if (e instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            Mark mark = yaml.getProblemMark();
            return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
        }
        JsonLocation where = e.getLocation();
        return where == null ? "" : "line " + where.getLineNr() + ", column " + where.getColumnNr() + ": ";
    }

    /**
     * SnakeYAML's messages span lines, with "in 'reader', line ..." and a source excerpt under a caret, and
     * Jackson's name a redacted source; the location is already given, so keep only the sentences.
     */
    private static String reason(String message) {
        return message.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .map(line -> JACKSON_SOURCE.matcher(line).replaceAll(""))
                .collect(Collectors.joining("; "));
    }
}
