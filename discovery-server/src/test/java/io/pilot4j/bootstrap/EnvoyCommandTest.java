package io.pilot4j.bootstrap;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EnvoyCommandTest {

    @Test
    void plainWordsStayAsTheyAre() {
        assertEquals("envoy -c /tmp/envoy-rev.json --service-node sidecar~127.0.0.1~a.default~default.svc.cluster.local",
                EnvoyCommand.toShell(List.of("envoy", "-c", "/tmp/envoy-rev.json", "--service-node",
                        "sidecar~127.0.0.1~a.default~default.svc.cluster.local")));
    }

    /** The printed line goes to a shell (eval, a script): the shell must read back the very same words. */
    @Test
    void aShellReadsBackTheSameWords() throws Exception {
        List<String> words = List.of("/opt/my envoy/envoy", "-c", "it's here.json", "--log-format", "%Y-%m-%d %v", "~home", "$HOME", "");

        Process p = new ProcessBuilder("sh", "-c", "printf '%s\\n' " + EnvoyCommand.toShell(words)).start();
        String echoed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();

        assertEquals(String.join("\n", words) + "\n", echoed);
    }
}
