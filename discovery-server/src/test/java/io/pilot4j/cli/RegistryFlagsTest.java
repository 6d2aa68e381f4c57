package io.pilot4j.cli;

import io.pilot4j.server.PilotArgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** --kubeconfig and --registries as Istio has them: which cluster, if any, the Kubernetes registry reads. */
class RegistryFlagsTest {
    private static final Map<String, String> IN_POD = Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443");

    private static PilotArgs parse(Map<String, String> env, boolean tokenMounted, String... args) {
        DiscoveryOptions options = new DiscoveryOptions();
        new CommandLine(options).parseArgs(args);
        return options.toArgs(env, p -> tokenMounted);
    }

    static Stream<Arguments> sources() {
        return Stream.of(
                arguments(new String[] {}, Map.of(), false, null),
                arguments(new String[] {"--kubeconfig", "/k/config"}, Map.of(), false, "--kubeconfig /k/config"),
                arguments(new String[] {}, Map.of("KUBECONFIG", "/home/me/.kube/kind"), false, "KUBECONFIG=/home/me/.kube/kind"),
                arguments(new String[] {}, IN_POD, true, "the pod's service account (https://10.96.0.1:443)"),
                arguments(new String[] {"--registries", "Kubernetes"}, IN_POD, true, "the pod's service account (https://10.96.0.1:443)"),
                arguments(new String[] {"--registries="}, Map.of("KUBECONFIG", "/k"), false, null),
                arguments(new String[] {"--configDir", "examples/bookinfo", "--kubeconfig", "/k"}, Map.of(), false, "--kubeconfig /k"));
    }

    @ParameterizedTest
    @MethodSource("sources")
    void kubernetesIsTheDefaultWhenAClusterIsConfigured(String[] args, Map<String, String> env, boolean token, String expected) {
        PilotArgs parsed = parse(env, token, args);
        assertEquals(expected, parsed.kube() == null ? null : parsed.kube().source().toString());
        if (parsed.kube() != null) {
            assertEquals("cluster.local", parsed.kube().domainSuffix());
        }
    }

    @Test
    void domainReachesTheKubernetesRegistry() {
        assertEquals("corp.internal", parse(Map.of(), false, "--kubeconfig", "/k", "--domain", "corp.internal").kube().domainSuffix());
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                arguments(new String[] {"--registries", "Kubernetes"}, "--registries Kubernetes: no cluster to read: give --kubeconfig, set KUBECONFIG, or run in a pod"),
                arguments(new String[] {"--registries", "Kubernetes,Consul", "--kubeconfig", "/k"},
                        "--registries: unknown registry 'Consul'; the one registry is Kubernetes (files are read with --configDir)"),
                arguments(new String[] {"--registries=", "--kubeconfig", "/k"}, "--kubeconfig is given but --registries leaves out Kubernetes"));
    }

    @ParameterizedTest
    @MethodSource("mistakes")
    void mistakesAreRefusedBeforeAnythingStarts(String[] args, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), false, args)).getMessage());
    }

    @Test
    void helpListsTheFlags() {
        StringWriter out = new StringWriter();
        CommandLine cli = PilotDiscovery.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("--help"));
        String usage = out.toString().replaceAll("\\s+", " ");
        assertTrue(usage.contains("--kubeconfig=FILE") && usage.contains("--registries=LIST"), usage);
        assertTrue(usage.contains("choose one or more from {Kubernetes}"), usage);
    }

    @Test
    void anUnreadableKubeconfigStopsStartup(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        CommandLine cli = PilotDiscovery.commandLine();
        cli.setErr(new PrintWriter(err, true));
        Path missing = dir.resolve("nope");
        assertEquals(1, cli.execute("--kubeconfig", missing.toString(), "--grpcAddr", "127.0.0.1:0", "--httpAddr", "127.0.0.1:0",
                "--meshConfig", "../config/mesh.json"));
        assertTrue(err.toString().startsWith("Error: --kubeconfig " + missing + ": cannot read the cluster configuration"), err.toString());
    }
}
