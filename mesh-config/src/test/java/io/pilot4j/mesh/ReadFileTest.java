package io.pilot4j.mesh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The file's path is the source in every message, so the server can log them as they are. */
class ReadFileTest {

    @TempDir
    Path dir;

    @Test
    void readsYamlFromAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("mesh.yaml"), "connectTimeout: 3s\n");
        assertEquals(Duration.ofSeconds(3), MeshConfigParser.read(file).config().connectTimeout());
    }

    static Stream<Arguments> unusableFiles() {
        return Stream.of(
                Arguments.of(null, "", "no such file"),
                Arguments.of(new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28}, "", "not UTF-8 text"),
                Arguments.of("proxyListenPort: 0\n".getBytes(StandardCharsets.UTF_8), "proxyListenPort",
                        "0 is out of range 1-65535"));
    }

    /** @param content null for a file that does not exist */
    @ParameterizedTest(name = "{2}")
    @MethodSource("unusableFiles")
    void namesTheFile(byte[] content, String fieldPath, String problem) throws IOException {
        Path file = dir.resolve("mesh.yaml");
        if (content != null) {
            Files.write(file, content);
        }
        MeshConfigException e = assertThrows(MeshConfigException.class, () -> MeshConfigParser.read(file));
        String where = fieldPath.isEmpty() ? "" : fieldPath + ": ";
        assertEquals(file + ": " + where + problem, e.getMessage());
        assertEquals(file.toString(), e.source());
    }
}
