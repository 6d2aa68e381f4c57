package io.pilot4j.kube.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.CustomResourceAware;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fake API server over real HTTP and WebSocket watches: fabric8's mock server in CRUD mode (objects created
 * through {@link #client()} are listed and watched), with discovery answers for EndpointSlices and installed Istio
 * CRDs, and two faults a real cluster has: it can be stopped and started again on the same port with the same
 * objects, and a resource can be refused as RBAC would refuse it.
 */
public final class MockCluster implements AutoCloseable {
    /** The Istio CRDs a real installation has: plural and kind, served as networking.istio.io/v1. */
    public static final Map<String, String> ISTIO_CRDS = Map.of(
            "serviceentries", "ServiceEntry",
            "workloadentries", "WorkloadEntry",
            "virtualservices", "VirtualService",
            "destinationrules", "DestinationRule",
            "sidecars", "Sidecar",
            "gateways", "Gateway");

    /** The mock server logs every request through java.util.logging; a strong reference keeps the level set. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final Map<ServerRequest, Queue<ServerResponse>> responses = new ConcurrentHashMap<>();
    private final KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(responses);
    private final Faults faults = new Faults(crud);
    private final Context context = new Context(new ObjectMapper());
    private KubernetesMockServer server;
    private KubernetesClient client;
    private int port;

    private MockCluster() {
    }

    /** A running cluster that serves discovery.k8s.io/v1 EndpointSlices, as every Kubernetes since 1.21 does. */
    public static MockCluster start() {
        return startOn(0);
    }

    /** As {@link #start()}, on a given port (0 for any): a test can name the address before the server exists. */
    public static MockCluster startOn(int port) {
        MockCluster cluster = new MockCluster();
        cluster.server = cluster.newServer();
        cluster.server.init(InetAddress.getLoopbackAddress(), port);
        cluster.port = cluster.server.getPort();
        cluster.client = cluster.server.createClient();
        cluster.server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                .withGroup("discovery.k8s.io").withVersion("v1").withKind("EndpointSlice").withPlural("endpointslices")
                .withScope("Namespaced").build());
        return cluster;
    }

    private KubernetesMockServer newServer() {
        return new KubernetesMockServer(context, new MockWebServer(), responses, faults, false);
    }

    /** A client for the test to create, change and delete objects, as kubectl would. */
    public KubernetesClient client() {
        return client;
    }

    public KubernetesMockServer server() {
        return server;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Installs an Istio CRD (by plural, e.g. "virtualservices"): API discovery lists it from now on. */
    public void installIstioCrd(String plural) {
        String kind = ISTIO_CRDS.get(plural);
        CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(plural + ".networking.istio.io").endMetadata()
                .withNewSpec().withGroup("networking.istio.io").withScope("Namespaced")
                .withNewNames().withKind(kind).withPlural(plural).withListKind(kind + "List").endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion()
                .endSpec().build();
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }

    public void installIstioCrds() {
        ISTIO_CRDS.keySet().stream().sorted().forEach(this::installIstioCrd);
    }

    /**
     * From now on, requests whose path starts with {@code pathPrefix} get 403 with the API server's wording for
     * {@code verb} on {@code resource} (e.g. "/api/v1/pods", "list", "pods").
     */
    public void forbid(String pathPrefix, String verb, String resource) {
        faults.forbidden.put(pathPrefix, new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(403)
                .withMessage(resource + " is forbidden: User \"system:serviceaccount:istio-system:pilot4j\" cannot " + verb
                        + " resource \"" + resource + "\" in API group \"\" at the cluster scope")
                .build());
    }

    public void allow(String pathPrefix) {
        faults.forbidden.remove(pathPrefix);
    }

    /** Stops answering: connections are refused, as when the API server goes down. Objects are kept. */
    public void stop() {
        server.destroy();
    }

    /** Serves again on the same port with the same objects, as an API server coming back. */
    public void restart() {
        server = newServer();
        server.init(InetAddress.getLoopbackAddress(), port);
    }

    /** A kubeconfig naming this server, as {@code --kubeconfig} takes it. */
    public Path writeKubeconfig(Path dir) {
        return writeKubeconfig(dir, url());
    }

    /** A kubeconfig for any URL, e.g. one where nothing listens yet. */
    public static Path writeKubeconfig(Path dir, String url) {
        try {
            return Files.writeString(dir.resolve("kubeconfig"), """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: mock
                      cluster: {server: "%s"}
                    users:
                    - name: tester
                      user: {token: secret}
                    contexts:
                    - name: mock
                      context: {cluster: mock, user: tester, namespace: default}
                    current-context: mock
                    """.formatted(url));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        server.destroy();
    }

    /** Answers as RBAC would for forbidden paths; everything else goes to the CRUD server. */
    private static final class Faults extends Dispatcher implements CustomResourceAware {
        private static final KubernetesSerialization JSON = new KubernetesSerialization();
        private final KubernetesMixedDispatcher delegate;
        private final Map<String, Status> forbidden = new ConcurrentHashMap<>();

        Faults(KubernetesMixedDispatcher delegate) {
            this.delegate = delegate;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            for (Map.Entry<String, Status> f : forbidden.entrySet()) {
                if (request.getPath().startsWith(f.getKey())) {
                    return new MockResponse().setResponseCode(403).setBody(JSON.asJson(f.getValue()));
                }
            }
            return delegate.dispatch(request);
        }

        @Override
        public void expectCustomResource(CustomResourceDefinitionContext rdc) {
            delegate.expectCustomResource(rdc);
        }

        @Override
        public void shutdown() {
            // The objects must outlive one server: restart() serves them again.
        }
    }
}
