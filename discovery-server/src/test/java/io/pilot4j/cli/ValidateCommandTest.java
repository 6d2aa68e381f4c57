package io.pilot4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code discovery validate}: every error printed with file, object and field; the exit code says whether there was any. */
class ValidateCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private int run(String... args) {
        var cli = PilotDiscovery.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void printsEveryErrorOfEveryFileAndFails() throws IOException {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: default}
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - {destination: {host: reviews, subset: v1}, weight: 70}
                    - {destination: {host: reviews, subset: v2}, weight: 20}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: default}
                spec:
                  host: reviews
                  subsets: [{name: v1, labels: {version: v1}}, {name: "", labels: {version: v2}}]
                """);
        Files.createDirectories(dir.resolve("more"));
        Files.writeString(dir.resolve("more/ok.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: ratings, namespace: default}
                spec: {host: ratings}
                """);

        assertEquals(1, run("validate", dir.toString()));

        assertEquals(List.of(
                "error: " + rules + "[doc 0] VirtualService default/reviews: spec.http[0].route: total destination weight 90 != 100",
                "error: " + rules + "[doc 1] DestinationRule default/reviews: spec.subsets[1].name: required: a subset needs a name",
                "2 files, 1 valid objects, 2 errors"), out.toString().lines().toList());
    }

    @Test
    void validFilesPass() throws IOException {
        Path ok = dir.resolve("ok.yaml");
        Files.writeString(ok, """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: ratings, namespace: default}
                spec: {host: ratings}
                """);

        assertEquals(0, run("validate", ok.toString()));
        assertEquals(List.of("1 files, 1 valid objects, 0 errors"), out.toString().lines().toList());
    }

    @Test
    void aMissingPathIsAnError() {
        assertEquals(2, run("validate", dir.resolve("nope.yaml").toString()));
        assertEquals("Error: " + dir.resolve("nope.yaml") + ": no such file or directory", err.toString().strip());
    }
}
