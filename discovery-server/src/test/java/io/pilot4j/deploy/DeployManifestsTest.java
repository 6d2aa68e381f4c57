package io.pilot4j.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pilot4j.cli.PilotDiscovery;
import io.pilot4j.kube.testing.MockCluster;
import io.pilot4j.mesh.MeshConfigParser;
import io.pilot4j.serviceregistry.kube.KubeRegistry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manifests in deploy/: they pass {@code kubectl apply --dry-run=client} (against a fake API server that answers
 * discovery, since kubectl asks one even then), they hold no field Kubernetes would not know, and they agree with
 * the code: RBAC grants exactly what the registry reads, the probe, flags and mount match the server's own.
 */
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of("../deploy");
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private static List<HasMetadata> manifests() throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DEPLOY)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                Object parsed = JSON.unmarshal(Files.readString(f));
                if (parsed instanceof Collection<?> many) {
                    many.forEach(o -> out.add((HasMetadata) o));
                } else {
                    out.add((HasMetadata) parsed);
                }
            }
        }
        return out;
    }

    private static <T extends HasMetadata> T one(Class<T> type) throws IOException {
        List<T> found = manifests().stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), type.getSimpleName() + " in deploy/");
        return found.get(0);
    }

    @Test
    void kubectlDryRunAcceptsEveryManifest(@TempDir Path dir) throws Exception {
        Optional<Path> kubectl = onPath("kubectl");
        Assumptions.assumeTrue(kubectl.isPresent(), "kubectl not on PATH: skipping the kubectl apply --dry-run=client check of deploy/");
        KubernetesMockServer api = new KubernetesMockServer(new Context(new ObjectMapper()), new MockWebServer(), new HashMap<>(),
                new KubectlDiscovery(new KubernetesMixedDispatcher(new HashMap<>())), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        try {
            Path kubeconfig = MockCluster.writeKubeconfig(dir, "http://127.0.0.1:" + api.getPort());
            // Client-side validation needs the API server's OpenAPI schema, which no fake has: kubectl still parses
            // every document and maps every kind through discovery; noUnknownFields() checks the fields offline.
            Process p = new ProcessBuilder(kubectl.get().toString(), "--kubeconfig", kubeconfig.toString(), "apply", "--dry-run=client",
                    "--validate=false", "-f", DEPLOY.toString(), "-o", "json").redirectError(dir.resolve("stderr").toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), Files.readString(dir.resolve("stderr")));
            JsonNode items = new ObjectMapper().readTree(out).path("items");
            Set<String> kinds = new TreeSet<>();
            items.forEach(i -> kinds.add(i.path("kind").asText()));
            assertEquals(new TreeSet<>(List.of("ClusterRole", "ClusterRoleBinding", "ConfigMap", "Deployment", "Namespace", "Service",
                    "ServiceAccount")), kinds, out);
        } finally {
            api.destroy();
        }
    }

    @Test
    void noUnknownFields() throws Exception {
        for (HasMetadata m : manifests()) {
            List<String> unknown = new ArrayList<>();
            collectUnknown(m, m.getKind(), unknown);
            assertEquals(List.of(), unknown, m.getKind() + " " + m.getMetadata().getName());
        }
    }

    @Test
    void rbacGrantsGetListWatchOnExactlyWhatTheRegistryReads() throws Exception {
        Set<String> granted = new TreeSet<>();
        for (PolicyRule rule : one(ClusterRole.class).getRules()) {
            assertEquals(List.of("get", "list", "watch"), rule.getVerbs(), rule.toString());
            assertEquals(List.of(), Optional.ofNullable(rule.getResourceNames()).orElse(List.of()));
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    granted.add(group.isEmpty() ? resource : resource + "." + group);
                }
            }
        }
        assertEquals(new TreeSet<>(KubeRegistry.RESOURCES_READ), granted);

        ClusterRoleBinding binding = one(ClusterRoleBinding.class);
        Deployment deployment = one(Deployment.class);
        assertEquals(one(ClusterRole.class).getMetadata().getName(), binding.getRoleRef().getName());
        assertEquals(deployment.getSpec().getTemplate().getSpec().getServiceAccountName(), binding.getSubjects().get(0).getName());
        assertEquals(deployment.getMetadata().getNamespace(), binding.getSubjects().get(0).getNamespace());
    }

    @Test
    void deploymentAgreesWithTheServer() throws Exception {
        Deployment deployment = one(Deployment.class);
        Container c = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

        // The args are the server's own flags; --meshConfig names the ConfigMap's key where it is mounted.
        new CommandLine(new PilotDiscovery()).parseArgs(c.getArgs().toArray(String[]::new));
        String meshPath = c.getArgs().get(c.getArgs().indexOf("--meshConfig") + 1);
        ConfigMap mesh = one(ConfigMap.class);
        var mount = c.getVolumeMounts().stream().filter(v -> meshPath.startsWith(v.getMountPath() + "/")).findFirst().orElseThrow();
        var volume = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertEquals(mesh.getMetadata().getName(), volume.getConfigMap().getName());
        String key = meshPath.substring(mount.getMountPath().length() + 1);
        MeshConfigParser.parse(mesh.getData().get(key), "deploy ConfigMap " + key);

        // Readiness is /ready on the HTTP port, and the Service reaches the ports the server listens on by default.
        assertEquals("/ready", c.getReadinessProbe().getHttpGet().getPath());
        assertEquals(8080, c.getReadinessProbe().getHttpGet().getPort().getIntVal());
        Map<String, Integer> containerPorts = new HashMap<>();
        c.getPorts().forEach(p -> containerPorts.put(p.getName(), p.getContainerPort()));
        assertEquals(Map.of("grpc-xds", 15010, "http-debug", 8080, "http-monitoring", 15014), containerPorts);
        String monitoringDefault = new CommandLine(new PilotDiscovery()).getCommandSpec().findOption("--monitoringAddr").defaultValue();
        assertEquals(":" + containerPorts.get("http-monitoring"), monitoringDefault);
        // Prometheus finds the pod as it finds istiod's: scrape annotations naming the monitoring port (path /metrics).
        Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        assertEquals(Map.of("prometheus.io/scrape", "true", "prometheus.io/port", String.valueOf(containerPorts.get("http-monitoring"))),
                annotations);
        Service service = one(Service.class);
        service.getSpec().getPorts().forEach(p -> assertTrue(containerPorts.containsKey(p.getTargetPort().getStrVal()), p.toString()));
        assertEquals(deployment.getSpec().getSelector().getMatchLabels(), service.getSpec().getSelector());
        assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem() && !c.getSecurityContext().getAllowPrivilegeEscalation());
        assertTrue(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot());
    }

    /** fabric8 keeps fields its model does not have in additionalProperties: any there is a field Kubernetes would refuse. */
    private static void collectUnknown(Object o, String path, List<String> out) throws Exception {
        if (o == null) {
            return;
        }
        if (o instanceof Collection<?> list) {
            int i = 0;
            for (Object e : list) {
                collectUnknown(e, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                collectUnknown(e.getValue(), path + "." + e.getKey(), out);
            }
            return;
        }
        if (!(o instanceof KubernetesResource)) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
                continue;
            }
            Object value = m.invoke(o);
            if (m.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) value).keySet().forEach(k -> out.add(path + "." + k));
            } else {
                collectUnknown(value, path + "." + m.getName().substring(3), out);
            }
        }
    }

    private static Optional<Path> onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The discovery documents kubectl reads to map kinds to resources; anything else goes to the CRUD server. */
    private static final class KubectlDiscovery extends Dispatcher {
        private final Map<String, Object> documents = Map.of(
                "/api", new APIVersionsBuilder().withVersions("v1").build(),
                "/apis", new APIGroupListBuilder()
                        .addNewGroup().withName("apps").addNewVersion().withGroupVersion("apps/v1").withVersion("v1").endVersion()
                        .withNewPreferredVersion().withGroupVersion("apps/v1").withVersion("v1").endPreferredVersion().endGroup()
                        .addNewGroup().withName("rbac.authorization.k8s.io")
                        .addNewVersion().withGroupVersion("rbac.authorization.k8s.io/v1").withVersion("v1").endVersion()
                        .withNewPreferredVersion().withGroupVersion("rbac.authorization.k8s.io/v1").withVersion("v1").endPreferredVersion()
                        .endGroup().build(),
                "/api/v1", resources("v1", "namespaces/Namespace/false", "serviceaccounts/ServiceAccount/true",
                        "configmaps/ConfigMap/true", "services/Service/true"),
                "/apis/apps/v1", resources("apps/v1", "deployments/Deployment/true"),
                "/apis/rbac.authorization.k8s.io/v1", resources("rbac.authorization.k8s.io/v1",
                        "clusterroles/ClusterRole/false", "clusterrolebindings/ClusterRoleBinding/false"));
        private final Dispatcher crud;

        KubectlDiscovery(Dispatcher crud) {
            this.crud = crud;
        }

        private static Object resources(String groupVersion, String... pluralKindNamespaced) {
            APIResourceListBuilder list = new APIResourceListBuilder().withGroupVersion(groupVersion);
            for (String r : pluralKindNamespaced) {
                String[] p = r.split("/");
                list.addNewResource().withName(p[0]).withKind(p[1]).withNamespaced(Boolean.parseBoolean(p[2]))
                        .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").endResource();
            }
            return list.build();
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath().replaceAll("\\?.*", "");
            Object document = documents.get(path);
            if (document != null) {
                return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                        .setBody(JSON.asJson(document));
            }
            return crud.dispatch(request);
        }
    }
}
