package io.pilot4j.testing.pods;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The istio-proxy container's file system and environment, relative to the agent's working directory: the agent
 * resolves {@code ./var/run/secrets/...}, {@code ./var/lib/istio/...} and {@code ./etc/istio/proxy} from there, so
 * one directory per pod stands in for the container's root.
 */
final class SidecarFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SidecarFiles() {
    }

    /** Writes the files the agent insists on, owned by the proxy user, who writes its own beside them. */
    static void layOut(Path workDir, SidecarImage image, int uid) {
        try {
            Path secrets = Files.createDirectories(workDir.resolve("var/run/secrets/istio"));
            Path envoy = Files.createDirectories(workDir.resolve("var/lib/istio/envoy"));
            Files.createDirectories(workDir.resolve("etc/istio/proxy"));
            // Without a root certificate the agent exits ("failed to find root CA cert for CA").
            Files.copy(image.rootCert(), secrets.resolve("root-cert.pem"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(image.bootstrapTemplate(), envoy.resolve("envoy_bootstrap_tmpl.json"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Commands.run(List.of("chown", "-R", uid + ":" + uid, workDir.toString()));
    }

    /** The variables Istio's injection template gives the istio-proxy container, for a plaintext control plane. */
    static Map<String, String> environment(Path workDir, Path envoy, String podName, String namespace, String ip, String discoveryAddress) {
        Map<String, Object> proxyConfig = new LinkedHashMap<>();
        proxyConfig.put("discoveryAddress", discoveryAddress);
        proxyConfig.put("binaryPath", envoy.toString());
        proxyConfig.put("configPath", workDir.resolve("etc/istio/proxy").toString());
        proxyConfig.put("proxyAdminPort", 15000);
        proxyConfig.put("statusPort", 15020);
        proxyConfig.put("controlPlaneAuthPolicy", "NONE");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", workDir.toString());
        env.put("POD_NAME", podName);
        env.put("POD_NAMESPACE", namespace);
        // The agent puts it in the node id (sidecar~IP~...), which is how pilot4j finds the pod's inbound services.
        env.put("INSTANCE_IP", ip);
        env.put("SERVICE_ACCOUNT", "default");
        env.put("ISTIO_META_CLUSTER_ID", "Kubernetes");
        env.put("ISTIO_META_INTERCEPTION_MODE", "REDIRECT");
        // pilot4j has no CA: the agent's certificate requests fail and it goes on without workload certificates.
        env.put("CA_ADDR", discoveryAddress);
        try {
            env.put("PROXY_CONFIG", JSON.writeValueAsString(proxyConfig));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return env;
    }
}
