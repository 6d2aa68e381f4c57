package io.pilot4j.mesh;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads Istio's mesh config file (YAML or JSON) the way Istio's ApplyMeshConfigDefaults does: given fields
 * override the defaults, defaultConfig merges into the default ProxyConfig, the result is validated. Fields
 * pilot4j doesn't know produce warnings, never errors, so a config written for some Istio version still loads.
 */
public final class MeshConfigParser {

    private MeshConfigParser() {
    }

    /**
     * @param text   the file's content; blank means all defaults
     * @param source where it came from, used as the prefix of error messages (e.g. the file name)
     * @throws MeshConfigException naming the source, the field path and what is wanted
     */
    public static ParsedMeshConfig parse(String text, String source) throws MeshConfigException {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
        List<String> warnings = new ArrayList<>();
        try {
            MeshConfig config = MeshDocument.parse(text)
                    .map(tree -> MeshConfigReader.read(ConfigObject.root(tree, IstioFields.MESH_CONFIG, warnings)))
                    .orElseGet(MeshConfig::defaults);
            MeshConfigValidator.validate(config);
            return new ParsedMeshConfig(config, warnings);
        } catch (InvalidFieldException invalid) {
            throw new MeshConfigException(source, invalid.fieldPath(), invalid.problem());
        }
    }

    /** Reads a UTF-8 file; its path is the source in messages. */
    public static ParsedMeshConfig read(Path file) throws MeshConfigException {
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException missing) {
            throw new MeshConfigException(source, "", "no such file", missing);
        } catch (CharacterCodingException notUtf8) {
            throw new MeshConfigException(source, "", "not UTF-8 text", notUtf8);
        } catch (IOException unreadable) {
            throw new MeshConfigException(source, "", "can not be read: " + unreadable, unreadable);
        }
        return parse(text, source);
    }
}
