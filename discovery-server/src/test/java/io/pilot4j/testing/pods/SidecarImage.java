package io.pilot4j.testing.pods;

import io.pilot4j.testing.Executables;
import io.pilot4j.testing.EnvoyBinary;
import io.pilot4j.testing.SelfSignedCertificate;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;
import java.util.List;

/**
 * What the istio-proxy container image holds, found on this machine: Istio's agent, an Envoy, Istio's bootstrap
 * template and a root certificate. Any certificate will do while the control plane is plaintext: the agent only
 * refuses to start without one.
 *
 * @param agent             pilot-agent
 * @param envoy             the Envoy the agent runs
 * @param bootstrapTemplate Istio's {@code envoy_bootstrap.json}
 * @param rootCert          a PEM certificate, for {@code ./var/run/secrets/istio/root-cert.pem}
 */
public record SidecarImage(Path agent, Path envoy, Path bootstrapTemplate, Path rootCert) {
    /** Finds the pieces (and a machine that can make pods), or skips the calling test with one line naming what is missing. */
    public static SidecarImage assumeAvailable(Path scratch) throws Exception {
        // Not being root comes first: it also hides iptables, which lives in /usr/sbin.
        PodNetwork.assumeCapable();
        Path agent = PilotAgentBinary.assumeAvailable();
        Path envoy = EnvoyBinary.assumeAvailable();
        Path template = PilotAgentBinary.assumeBootstrapTemplate();
        List<String> missing = List.of("iptables", "iptables-restore", "iptables-save").stream()
                .filter(tool -> !Commands.onPath(tool)).toList();
        String skip = "no " + String.join(", ", missing) + " (apt-get install iptables): skipping pod tests";
        if (!missing.isEmpty()) {
            Executables.announceSkip(skip);
        }
        Assumptions.assumeTrue(missing.isEmpty(), skip);
        Path cert = SelfSignedCertificate.create(scratch, "istiod.istio-system.svc").certificate();
        return new SidecarImage(agent, envoy, template, cert);
    }
}
