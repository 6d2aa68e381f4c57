package io.pilot4j.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What can be checked of docker/Dockerfile without a Docker engine (K3sClusterTest builds it where one exists):
 * it copies every module the build has, runs on a Temurin 17 JRE as a numeric non-root user, and exposes istiod's ports.
 */
public class DockerfileTest {
    private static final Path ROOT = Path.of("..");

    /** The modules of the root pom, in build order. */
    public static List<String> modules() {
        try {
            Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
            List<String> out = new ArrayList<>();
            while (m.find()) {
                out.add(m.group(1));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void buildsEveryModuleAndRunsAsIstiodDoes() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
        for (String module : modules()) {
            assertTrue(dockerfile.contains("COPY " + module + "/pom.xml " + module + "/"), module + " pom not copied");
            assertTrue(dockerfile.contains("COPY " + module + "/src " + module + "/src"), module + " sources not copied");
        }
        List<String> stages = Pattern.compile("(?m)^FROM (\\S+)").matcher(dockerfile).results().map(r -> r.group(1)).toList();
        assertTrue(stages.size() == 2 && stages.get(1).equals("eclipse-temurin:17-jre"), "runtime stage: " + stages);
        assertTrue(Pattern.compile("(?m)^USER [1-9][0-9]*:[1-9][0-9]*$").matcher(dockerfile).find(), "a numeric non-root USER");
        assertTrue(dockerfile.contains("EXPOSE 15010 8080 15014"));
        assertTrue(dockerfile.contains("COPY --from=build /src/discovery-server/target/pilot4j-discovery.jar"));
    }
}
