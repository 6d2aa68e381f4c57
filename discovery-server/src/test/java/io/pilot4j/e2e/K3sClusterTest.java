package io.pilot4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.pilot4j.kube.Yaml;
import io.pilot4j.kube.testing.Objects;
import io.pilot4j.testing.AdsClient;
import io.pilot4j.testing.Await;
import io.pilot4j.deploy.DockerfileTest;
import io.pilot4j.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes registry against a real cluster (k3s in a container), where Docker exists; skipped elsewhere.
 * First the laptop flow: the server runs here with the cluster's kubeconfig, a Deployment's pods (their slices written
 * by the real EndpointSlice controller) become EDS endpoints with pod labels and node locality, scaling changes
 * them, deleting the Service removes its cluster. Pod IPs are not routable from the host, so endpoints are checked
 * over ADS rather than with RPCs. Then the in-cluster flow: the image from docker/Dockerfile, deployed with deploy/,
 * becomes ready (its /ready needs every informer listed, so RBAC is right) and reads the cluster.
 */
@Testcontainers(disabledWithoutDocker = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class K3sClusterTest {
    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final String CLUSTER = "outbound|7070||echo.apps.svc.cluster.local";
    private static final Path ROOT = Path.of("..");

    private K3sContainer k3s;
    private KubernetesClient kube;
    private RunningServer server;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        k3s = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));
        k3s.start();
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), k3s.getKubeConfigYaml());
        kube = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig.toFile())).build();
        server = RunningServer.startWithKubeconfig(kubeconfig).awaitReady();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (kube != null) {
            kube.close();
        }
        if (k3s != null) {
            k3s.stop();
        }
    }

    @Test
    @Order(1)
    void podsOfADeploymentBecomeEndpointsAndFollowScaling() {
        Node node = kube.nodes().list().getItems().get(0);
        kube.nodes().withName(node.getMetadata().getName()).edit(n -> {
            n.getMetadata().getLabels().put("topology.kubernetes.io/region", "eu-west1");
            n.getMetadata().getLabels().put("topology.kubernetes.io/zone", "eu-west1-b");
            return n;
        });
        kube.resource(Objects.namespace("apps", Map.of())).create();
        kube.resource(Objects.grpcService("apps", "echo", null, 7070)).create();
        kube.resource(echoDeployment(2)).create();

        Await.until(DEADLINE, "two endpoints with the pods' labels and the node's locality", () -> {
            JsonNode endpoints = endpointz();
            return endpoints.size() == 2 && endpoints.get(0).path("labels").path("app").asText().equals("echo")
                    && endpoints.get(0).path("locality").asText().equals("eu-west1/eu-west1-b")
                    && endpoints.get(0).path("port").asInt() == 9000;
        }, () -> endpointz().toString());
        assertEquals(2, edsEndpoints());

        kube.apps().deployments().inNamespace("apps").withName("echo").scale(3);
        Await.until(DEADLINE, "the third pod in EDS", () -> edsEndpoints() == 3, () -> endpointz().toString());
    }

    @Test
    @Order(2)
    void deletingTheServiceRemovesItsCluster() {
        kube.services().inNamespace("apps").withName("echo").delete();
        Await.until(DEADLINE, "the service to leave the registry", () -> !server.get("/debug/registryz").body().contains("echo.apps"));
        try (AdsClient ads = client()) {
            ads.send(Resources.V3.CLUSTER_TYPE_URL, List.of(), "", "");
            assertTrue(ads.next(Duration.ofSeconds(10)).getResourcesList().stream().noneMatch(r -> r.toString().contains(CLUSTER)));
        }
    }

    @Test
    @Order(3)
    void theImageDeployedWithTheManifestsBecomesReadyInTheCluster(@TempDir Path dir) throws Exception {
        // The build context holds what the Dockerfile copies, not the modules' target directories.
        ImageFromDockerfile build = new ImageFromDockerfile("pilot4j:dev", false)
                .withDockerfile(ROOT.resolve("docker/Dockerfile"))
                .withFileFromPath("pom.xml", ROOT.resolve("pom.xml"));
        for (String module : DockerfileTest.modules()) {
            build.withFileFromPath(module + "/pom.xml", ROOT.resolve(module).resolve("pom.xml"));
            build.withFileFromPath(module + "/src", ROOT.resolve(module).resolve("src"));
        }
        String image = build.get(15, TimeUnit.MINUTES);
        // k3s runs its own containerd: hand it the image built by the host's Docker.
        Path tar = dir.resolve("pilot4j.tar");
        try (InputStream saved = DockerClientFactory.instance().client().saveImageCmd(image).exec()) {
            Files.copy(saved, tar, StandardCopyOption.REPLACE_EXISTING);
        }
        k3s.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/pilot4j.tar");
        var imported = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/pilot4j.tar");
        assertEquals(0, imported.getExitCode(), imported.getStderr());

        try (Stream<Path> files = Files.list(ROOT.resolve("deploy"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    kube.load(in).serverSideApply();
                }
            }
        }
        kube.apps().deployments().inNamespace("pilot4j-system").withName("pilot4j").waitUntilReady(5, TimeUnit.MINUTES);

        String pod = kube.pods().inNamespace("pilot4j-system").withLabel("app", "pilot4j").list().getItems().get(0).getMetadata().getName();
        try (LocalPortForward forward = kube.pods().inNamespace("pilot4j-system").withName(pod).portForward(8080)) {
            HttpResponse<String> registry = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + forward.getLocalPort() + "/debug/registryz")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(registry.body().contains("kubernetes.default.svc.cluster.local"), registry.body());
        }
    }

    private static Deployment echoDeployment(int replicas) {
        return Yaml.read("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: echo, namespace: apps}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: echo}}
                  template:
                    metadata: {labels: {app: echo, version: v1}}
                    spec:
                      containers:
                      - name: app
                        image: registry.k8s.io/pause:3.10
                        ports: [{name: grpc, containerPort: 9000}]
                """.formatted(replicas), Deployment.class);
    }

    private AdsClient client() {
        return new AdsClient(server.grpcTarget(), "sidecar~10.1.0.9~client.apps~apps.svc.cluster.local", Map.of("NAMESPACE", "apps"));
    }

    private int edsEndpoints() {
        try (AdsClient ads = client()) {
            ads.send(Resources.V3.ENDPOINT_TYPE_URL, List.of(CLUSTER), "", "");
            DiscoveryResponse response = ads.next(Duration.ofSeconds(10));
            ClusterLoadAssignment cla = response.getResources(0).unpack(ClusterLoadAssignment.class);
            return cla.getEndpointsList().stream().mapToInt(l -> l.getLbEndpointsCount()).sum();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    /** The endpoints /debug/endpointz lists for echo. */
    private JsonNode endpointz() {
        try {
            for (JsonNode service : new ObjectMapper().readTree(server.get("/debug/endpointz").body())) {
                if (service.path("hostname").asText().equals("echo.apps.svc.cluster.local")) {
                    return service.path("endpoints");
                }
            }
            return new ObjectMapper().createArrayNode();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
