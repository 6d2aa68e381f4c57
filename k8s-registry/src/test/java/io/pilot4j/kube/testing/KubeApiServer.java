package io.pilot4j.kube.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.FreePorts;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real Kubernetes API server for a test: etcd and kube-apiserver on free loopback ports in a temporary directory,
 * with token authentication (an admin in system:masters and a user who can do only what a test grants), RBAC
 * authorization and service-account keys generated here. What depends on the server itself (watches and their
 * renewal, 410 Gone, RBAC, validation, CRDs) is tested against it; fabric8's mock serves the fast registry tests.
 *
 * <p>Binaries: {@code $KUBE_APISERVER_BIN} ({@code .ci/kube-apiserver} builds one) and {@code $ETCD_BIN}, else
 * {@code etcd} on PATH. Without them the calling test (or class, from a {@code @BeforeAll}) is skipped with one line
 * saying so. No kubelet or controller-manager runs: nothing creates the default ServiceAccount or EndpointSlices.
 *
 * <p>One start takes a few seconds: share one per test class, and {@link #close()} it in an {@code @AfterAll}, which
 * JUnit runs when tests fail. A JVM that dies without closing it still ends both processes (a shutdown hook).
 */
public final class KubeApiServer implements AutoCloseable {
    public static final String ADMIN = "admin";
    /** A user with no permissions beyond discovery until a test grants some ({@link #grant}). */
    public static final String RESTRICTED = "restricted";
    static final String SKIP = "no kube-apiserver or etcd (set KUBE_APISERVER_BIN, and ETCD_BIN or etcd on PATH; "
            + ".ci/kube-apiserver builds one): skipping tests against a real API server";
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(10);
    private static final Map<String, String> TOKENS = Map.of(ADMIN, "admin-token", RESTRICTED, "restricted-token");

    private final Path apiServerBinary;
    private final Path etcdBinary;
    private final Path dir;
    private final int etcdPort;
    private final int etcdPeerPort;
    private final int port;
    private final Thread reaper = new Thread(this::destroyProcesses, "kube-apiserver-reaper");
    private Process etcd;
    private Process apiServer;
    private HttpClient http;
    private KubernetesClient admin;

    private KubeApiServer(Path apiServerBinary, Path etcdBinary, Path dir) {
        this.apiServerBinary = apiServerBinary;
        this.etcdBinary = etcdBinary;
        this.dir = dir;
        int[] ports = FreePorts.pick(3);
        this.etcdPort = ports[0];
        this.etcdPeerPort = ports[1];
        this.port = ports[2];
    }

    /** Starts etcd and the API server and waits for /readyz; skips the caller when the binaries are missing. */
    public static KubeApiServer start() {
        Optional<Path> apiServer = binary("KUBE_APISERVER_BIN", null);
        Optional<Path> etcd = binary("ETCD_BIN", "etcd");
        if (apiServer.isEmpty() || etcd.isEmpty()) {
            announceSkip();
        }
        Assumptions.assumeTrue(apiServer.isPresent() && etcd.isPresent(), SKIP);
        KubeApiServer server;
        try {
            server = new KubeApiServer(apiServer.get(), etcd.get(), Files.createTempDirectory("pilot4j-kube-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            server.prepare();
            server.startEtcd();
            server.startApiServer();
            return server;
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    public String url() {
        return "https://127.0.0.1:" + port;
    }

    /** A client in system:masters, for the test to play kubectl. */
    public KubernetesClient adminClient() {
        return admin;
    }

    /** Client settings for {@link #ADMIN} or {@link #RESTRICTED}. */
    public Config config(String user) {
        return new ConfigBuilder(Config.empty()).withMasterUrl(url()).withOauthToken(token(user))
                .withCaCertData(base64(caCertificate())).withNamespace("default").build();
    }

    /** A kubeconfig for a user, as {@code --kubeconfig} takes it; written into {@code dir}. */
    public Path writeKubeconfig(Path dir, String user) {
        try {
            return Files.writeString(dir.resolve("kubeconfig-" + user), """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: test
                      cluster: {server: "%s", certificate-authority-data: "%s"}
                    users:
                    - name: %s
                      user: {token: %s}
                    contexts:
                    - name: test
                      context: {cluster: test, user: %s, namespace: default}
                    current-context: test
                    """.formatted(url(), base64(caCertificate()), user, token(user), user));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Gives {@code user} a ClusterRole of these rules (replacing what an earlier call with the same {@code name}
     * gave), bound cluster-wide, as deploy/20-rbac.yaml binds pilot4j's.
     */
    public void grant(String user, String name, List<PolicyRule> rules) {
        admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata()
                .withRules(rules).build()).serverSideApply();
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", name)
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(user).endSubject()
                .build()).serverSideApply();
    }

    /** What deploy/20-rbac.yaml grants the registry; without watch on namespaces (list only) when told. */
    public static List<PolicyRule> registryRules(boolean watchNamespaces) {
        return List.of(
                rule("", watchNamespaces ? "get,list,watch" : "get,list", "namespaces"),
                rule("", "get,list,watch", "services", "endpoints", "pods", "nodes"),
                rule("discovery.k8s.io", "get,list,watch", "endpointslices"),
                rule("networking.istio.io", "get,list,watch", "*"));
    }

    /** A rule for resources of one API group ("" for the core API), e.g. {@code rule("", "get,list,watch", "pods")}. */
    public static PolicyRule rule(String group, String verbs, String... resources) {
        return new PolicyRuleBuilder().withApiGroups(group).withVerbs(verbs.split(",")).withResources(resources).build();
    }

    /**
     * Installs an Istio networking CRD (plural, e.g. "virtualservices") serving v1, v1beta1 and v1alpha3 as Istio's
     * do, with an open schema, and waits until it is established. A test-sized stand-in for Istio's crd-all.gen.yaml.
     */
    public void installIstioCrd(String plural) {
        String kind = MockCluster.ISTIO_CRDS.get(plural);
        CustomResourceDefinitionBuilder crd = new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(plural + ".networking.istio.io").endMetadata()
                .withNewSpec().withGroup("networking.istio.io").withScope("Namespaced")
                .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase()).withListKind(kind + "List").endNames()
                .endSpec();
        for (String version : List.of("v1", "v1beta1", "v1alpha3")) {
            crd.editSpec().addNewVersion().withName(version).withServed(true).withStorage(version.equals("v1"))
                    .withNewSchema().withOpenAPIV3Schema(new JSONSchemaPropsBuilder().withType("object")
                            .withXKubernetesPreserveUnknownFields(true).build()).endSchema()
                    .withNewSubresources().withNewStatus().endStatus().endSubresources()
                    .endVersion().endSpec();
        }
        CustomResourceDefinition created = admin.apiextensions().v1().customResourceDefinitions().resource(crd.build()).create();
        String name = created.getMetadata().getName();
        Await.until(START, "the " + name + " CRD to be established", () -> {
            CustomResourceDefinition c = admin.apiextensions().v1().customResourceDefinitions().withName(name).get();
            return c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
                    .anyMatch(cond -> cond.getType().equals("Established") && cond.getStatus().equals("True"));
        });
    }

    /** Deletes an Istio CRD and waits until it is gone (the API server deletes its objects first). */
    public void deleteIstioCrd(String plural) {
        String name = plural + ".networking.istio.io";
        admin.apiextensions().v1().customResourceDefinitions().withName(name).delete();
        Await.until(START, "the " + name + " CRD to be gone",
                () -> admin.apiextensions().v1().customResourceDefinitions().withName(name).get() == null);
    }

    /** Stops the API server (etcd keeps the objects): clients see connections refused, as in an outage. */
    public void stopApiServer() {
        stop(apiServer);
        apiServer = null;
    }

    /** Starts the API server again on the same port over the same etcd, and waits for /readyz. */
    public void startApiServer() throws IOException {
        apiServer = new ProcessBuilder(apiServerBinary.toString(),
                "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", String.valueOf(port),
                "--cert-dir", dir.resolve("certs").toString(),
                "--etcd-servers", "http://127.0.0.1:" + etcdPort,
                "--service-account-issuer", "https://kubernetes.default.svc",
                "--service-account-key-file", dir.resolve("sa.pub").toString(),
                "--service-account-signing-key-file", dir.resolve("sa.key").toString(),
                "--token-auth-file", dir.resolve("tokens.csv").toString(), "--anonymous-auth=false",
                "--authorization-mode", "RBAC",
                "--service-cluster-ip-range", "10.96.0.0/16", "--endpoint-reconciler-type", "none",
                "--enable-priority-and-fairness=false")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kube-apiserver.log").toFile()))
                .start();
        Await.until(START, "kube-apiserver /readyz to answer 200", () -> {
            if (!apiServer.isAlive()) {
                throw new AssertionError("kube-apiserver exited with " + apiServer.exitValue() + ":\n" + log("kube-apiserver.log"));
            }
            return readyz();
        }, () -> log("kube-apiserver.log"));
        if (admin == null) {
            admin = new KubernetesClientBuilder().withConfig(config(ADMIN)).build();
        }
    }

    /** The last lines of a process's log in the temporary directory, for failure messages. */
    public String log(String file) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(file));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no " + file + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        destroyProcesses();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // Shutting down already, or never registered.
        }
        deleteRecursively(dir);
    }

    private void prepare() throws IOException {
        Runtime.getRuntime().addShutdownHook(reaper);
        // Service-account tokens are signed with this key; the API server will not start without one.
        KeyPair keys;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Files.writeString(dir.resolve("sa.key"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Files.writeString(dir.resolve("sa.pub"), pem("PUBLIC KEY", keys.getPublic().getEncoded()));
        StringBuilder tokens = new StringBuilder();
        tokens.append(token(ADMIN)).append(',').append(ADMIN).append(',').append(ADMIN).append(",system:masters\n");
        tokens.append(token(RESTRICTED)).append(',').append(RESTRICTED).append(',').append(RESTRICTED).append('\n');
        Files.writeString(dir.resolve("tokens.csv"), tokens);
    }

    private void startEtcd() throws IOException {
        String client = "http://127.0.0.1:" + etcdPort;
        String peer = "http://127.0.0.1:" + etcdPeerPort;
        etcd = new ProcessBuilder(etcdBinary.toString(), "--data-dir", dir.resolve("etcd").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "default=" + peer,
                "--logger", "zap", "--log-level", "warn")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("etcd.log").toFile())
                .start();
        Await.until(START, "etcd /health to answer", () -> {
            if (!etcd.isAlive()) {
                throw new AssertionError("etcd exited with " + etcd.exitValue() + ":\n" + log("etcd.log"));
            }
            try {
                return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(client + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, () -> log("etcd.log"));
    }

    private boolean readyz() {
        Path ca = dir.resolve("certs/apiserver.crt");
        if (!Files.isRegularFile(ca)) {
            return false;
        }
        try {
            if (http == null) {
                http = HttpClient.newBuilder().sslContext(trusting(caCertificate())).connectTimeout(Duration.ofSeconds(2)).build();
            }
            return http.send(HttpRequest.newBuilder(URI.create(url() + "/readyz")).header("Authorization", "Bearer " + token(ADMIN))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The API server's self-signed serving certificate and its CA, which it writes into --cert-dir. */
    private String caCertificate() {
        try {
            return Files.readString(dir.resolve("certs/apiserver.crt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SSLContext trusting(String pem) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(
                    new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                store.setCertificateEntry("ca" + i++, (X509Certificate) cert);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot trust the API server's certificate", e);
        }
    }

    private void destroyProcesses() {
        stop(apiServer);
        stop(etcd);
    }

    private static void stop(Process p) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String token(String user) {
        return TOKENS.get(user);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }

    /** {@code $env}, else {@code name} on PATH (when given); a binary named on purpose and missing is an error. */
    private static Optional<Path> binary(String env, String name) {
        String fromEnv = System.getenv(env);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path p = Path.of(fromEnv);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(env + "=" + fromEnv + " is not an executable file");
            }
            return Optional.of(p);
        }
        if (name == null) {
            return Optional.empty();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static boolean announced;

    /** Once per test JVM, on the process's own stderr: surefire keeps the tests' output in report files. */
    private static synchronized void announceSkip() {
        if (!announced) {
            announced = true;
            new PrintStream(new FileOutputStream(FileDescriptor.err), true).println("[WARNING] " + SKIP);
        }
    }
}
