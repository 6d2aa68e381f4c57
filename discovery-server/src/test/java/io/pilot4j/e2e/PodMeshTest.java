package io.pilot4j.e2e;

import io.pilot4j.testing.Await;
import io.pilot4j.testing.RunningServer;
import io.pilot4j.testing.pods.Commands;
import io.pilot4j.testing.pods.Pod;
import io.pilot4j.testing.pods.PodNetwork;
import io.pilot4j.testing.pods.PodProcess;
import io.pilot4j.testing.pods.SidecarImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small mesh on one machine: pods with Istio's real sidecar (pilot-agent and Envoy behind istio-iptables' capture
 * rules) and one pod without, configured by pilot4j from a {@code --configDir}, and traffic between their apps that
 * only works if pilot4j's listeners, routes and clusters are right: a weighted split with a header match over
 * subsets, ports no service declares (inbound passthrough), a caller outside the mesh, raw TCP, gRPC over cleartext
 * HTTP/2, and endpoints that come and go. One pod network for the class: the sidecars take most of the time.
 * Skips as {@link PodSidecarTest} does on machines that cannot make pods.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodMeshTest {
    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration TRAFFIC = Duration.ofSeconds(30);
    private static final Duration BATCH = Duration.ofSeconds(30);
    private static final String NAMESPACE = "default";
    private static final String REVIEWS_IP = "10.96.30.10";
    private static final String TCP_ECHO_IP = "10.96.30.20";
    private static final String GREETER_IP = "10.96.30.30";
    private static final int REVIEWS_PORT = 9080;
    private static final int UNDECLARED_PORT = 9999;
    private static final int TCP_PORT = 9000;
    private static final int GRPC_PORT = 9100;
    /** Peer address the app sees when Envoy's inbound (an inbound|PORT|| or the passthrough cluster) connected. */
    private static final String INBOUND_SOURCE = "127.0.0.6";
    private static final Pattern STAT = Pattern.compile("(?m)^(\\S+): (\\d+)$");

    @TempDir
    static Path configDir;
    @TempDir
    static Path scratch;

    private static PodNetwork network;
    private static RunningServer pilot;
    private static Pod sleep;
    private static Pod reviewsV1;
    private static Pod reviewsV2;
    private static Pod backend;
    private static Pod plain;
    private static final List<Pod> SIDECARS = new ArrayList<>();

    @BeforeAll
    static void startMesh() throws Exception {
        SidecarImage image = SidecarImage.assumeAvailable(scratch);
        network = PodNetwork.create(Path.of("target/pod-logs/PodMeshTest"));
        try {
            sleep = network.addPod("sleep");
            reviewsV1 = network.addPod("reviews-v1");
            reviewsV2 = network.addPod("reviews-v2");
            backend = network.addPod("backend-1");
            plain = network.addPod("plain");
            Files.writeString(configDir.resolve("reviews.yaml"), reviewsEntry(true));
            Files.writeString(configDir.resolve("reviews-rules.yaml"), reviewsRules(true));
            Files.writeString(configDir.resolve("backend.yaml"), backendServices(backend.ip()));
            pilot = RunningServer.startOn(PodNetwork.BRIDGE_IP, configDir);
            pilot.awaitReady();
            String discovery = PodNetwork.BRIDGE_IP + ":" + pilot.server().grpcAddress().getPort();

            reviewsV1.startEchoServer(REVIEWS_PORT);
            reviewsV1.startEchoServer(UNDECLARED_PORT, "echo-" + UNDECLARED_PORT);
            reviewsV2.startEchoServer(REVIEWS_PORT);
            backend.startTcpEchoServer(TCP_PORT);
            backend.startGrpcServer(GRPC_PORT);
            // The agents start together and are awaited together: each needs a few seconds of a 2-core machine.
            Map<Pod, PodProcess> agents = new LinkedHashMap<>();
            for (Pod pod : List.of(sleep, reviewsV1, reviewsV2, backend)) {
                agents.put(pod, pod.withSidecar(image, discovery, NAMESPACE));
                SIDECARS.add(pod);
            }
            agents.forEach((pod, agent) -> pod.awaitSidecarReady(agent, READY));
        } catch (Throwable t) {
            t.addSuppressed(new AssertionError("pod logs:\n" + network.logs()));
            stopMesh();
            throw t;
        }
    }

    @AfterAll
    static void stopMesh() {
        try {
            // Pods go before the server, so that a stream the server drops shows in Envoy's log only when it is a fault.
            if (network != null) {
                network.pods().forEach(Pod::close);
            }
        } finally {
            try {
                if (pilot != null) {
                    pilot.close();
                }
            } finally {
                if (network != null) {
                    network.close();
                }
                pilot = null;
                network = null;
                SIDECARS.clear();
            }
        }
    }

    @Test
    @Order(1)
    void headerMatchGoesToV2AndTheRestSplits80To20() throws Throwable {
        withLogs(() -> {
            awaitAnswer(sleep, "jason's request on v2", "reviews-v2 ", "end-user: jason");
            awaitAnswer(sleep, "a request on v1", "reviews-v1 ", null);

            Map<String, Integer> split = tally(reviewsRequests(sleep, 200, null));
            int v1 = split.getOrDefault("reviews-v1 peer=" + INBOUND_SOURCE, 0);
            int v2 = split.getOrDefault("reviews-v2 peer=" + INBOUND_SOURCE, 0);
            assertEquals(200, v1 + v2, "every request answered by v1 or v2 through the inbound sidecar: " + split);
            assertTrue(v1 >= 130 && v1 <= 190, "v1 gets 80% (65-95% allowed) of 200 requests, got " + v1 + ": " + split);

            Map<String, Integer> jason = tally(reviewsRequests(sleep, 50, "end-user: jason"));
            assertEquals(Map.of("reviews-v2 peer=" + INBOUND_SOURCE, 50), jason, "every request of jason's on v2");
            assertNoRejectedConfig();
        });
    }

    @Test
    @Order(2)
    void undeclaredPortGoesThroughInboundPassthrough() throws Throwable {
        withLogs(() -> {
            String url = "http://" + reviewsV1.ip() + ":" + UNDECLARED_PORT + "/";
            awaitAnswer(sleep, url, "reviews-v1 ");
            assertEquals("reviews-v1 peer=" + INBOUND_SOURCE, sleep.curl(url).output().strip(),
                    "a port no service declares reaches the app through the sidecar's InboundPassthroughCluster");
            assertNoRejectedConfig();
        });
    }

    @Test
    @Order(3)
    void podWithoutSidecarIsServedByTheMeshedPodsInbound() throws Throwable {
        withLogs(() -> {
            assertTrue(plain.run(List.of("iptables-save", "-t", "nat")).lines().noneMatch(l -> l.contains("ISTIO")),
                    "the plain pod has no capture rules");
            String url = "http://" + reviewsV1.ip() + ":" + REVIEWS_PORT + "/";
            awaitAnswer(plain, url, "reviews-v1 ");
            assertEquals("reviews-v1 peer=" + INBOUND_SOURCE, plain.curl(url).output().strip(),
                    "the meshed pod's inbound carried a request from outside the mesh");
            assertNoRejectedConfig();
        });
    }

    @Test
    @Order(4)
    void rawTcpGoesThroughBothSidecars() throws Throwable {
        withLogs(() -> {
            Await.until(TRAFFIC, "a TCP answer from " + TCP_ECHO_IP + ":" + TCP_PORT,
                    () -> sleep.tcpLine(TCP_ECHO_IP, TCP_PORT, "hi").output().startsWith("backend-1 "),
                    () -> sleep.tcpLine(TCP_ECHO_IP, TCP_PORT, "hi").output());
            Commands.Result answer = sleep.tcpLine(TCP_ECHO_IP, TCP_PORT, "hi");
            assertEquals("backend-1 peer=" + INBOUND_SOURCE, answer.output().strip(), "the TCP app sees Envoy's inbound");
            String host = "outbound|" + TCP_PORT + "||tcp-echo.default.svc.cluster.local::" + backend.ip() + ":" + TCP_PORT + "::cx_total::";
            String clusters = sleep.envoyAdmin("/clusters");
            assertTrue(clusters.lines().anyMatch(l -> l.startsWith(host) && !l.equals(host + "0")),
                    "the client sidecar's outbound TCP cluster carried it:\n" + clusters);
            assertNoRejectedConfig();
        });
    }

    @Test
    @Order(5)
    void grpcOverCleartextHttp2GoesThroughBothSidecars() throws Throwable {
        withLogs(() -> {
            String url = "http://" + GREETER_IP + ":" + GRPC_PORT + "/echo.Echo/Say";
            Await.until(TRAFFIC, "a gRPC answer from " + url,
                    () -> sleep.grpcCall(url).output().contains("backend-1 "), () -> sleep.grpcCall(url).output());
            Commands.Result call = sleep.grpcCall(url);
            String out = call.output();
            assertTrue(call.ok(), "curl succeeded:\n" + out);
            assertTrue(out.startsWith("HTTP/2 200"), "an HTTP/2 response to the client:\n" + out);
            assertTrue(out.contains("content-type: application/grpc"), "a gRPC response:\n" + out);
            assertTrue(out.contains("grpc-status: 0"), "the server's grpc-status trailer came through:\n" + out);
            // The server drops anything but HTTP/2 prior knowledge, so an answer means the inbound cluster spoke h2.
            assertTrue(out.contains("backend-1 peer=" + INBOUND_SOURCE), "the gRPC app sees Envoy's inbound:\n" + out);
            assertNoRejectedConfig();
        });
    }

    @Test
    @Order(6)
    void removedEndpointGetsNoTrafficAndAddedOneDoes() throws Throwable {
        withLogs(() -> {
            // Without the split every request goes to the service's endpoints, so which pods answer says which
            // endpoints the client's sidecar has, and nothing fails for a subset left empty.
            pilot.writeConfig("reviews-rules.yaml", reviewsRules(false));
            awaitBatch("both versions answer without the split", 40,
                    answers -> answers.keySet().equals(Set.of("reviews-v1 peer=" + INBOUND_SOURCE, "reviews-v2 peer=" + INBOUND_SOURCE)));

            pilot.writeConfig("reviews.yaml", reviewsEntry(false));
            awaitBatch("only v1 answers once v2's endpoint is gone", 20,
                    answers -> answers.keySet().equals(Set.of("reviews-v1 peer=" + INBOUND_SOURCE)));
            Map<String, Integer> after = tally(reviewsRequests(sleep, 60, null));
            assertEquals(Map.of("reviews-v1 peer=" + INBOUND_SOURCE, 60), after, "no request reaches the removed endpoint");

            pilot.writeConfig("reviews.yaml", reviewsEntry(true));
            awaitBatch("v2 answers again once its endpoint is back", 40,
                    answers -> answers.containsKey("reviews-v2 peer=" + INBOUND_SOURCE)
                            && answers.keySet().stream().allMatch(a -> a.startsWith("reviews-v") && a.endsWith("peer=" + INBOUND_SOURCE)));
            assertNoRejectedConfig();
        });
    }

    /** Polls batches of requests until one satisfies {@code ok}; the last batch is the failure's state. */
    private static void awaitBatch(String what, int requests, Predicate<Map<String, Integer>> ok) {
        AtomicReference<Map<String, Integer>> last = new AtomicReference<>();
        Await.until(BATCH, what, () -> {
            last.set(tally(reviewsRequests(sleep, requests, null)));
            return ok.test(last.get());
        }, () -> String.valueOf(last.get()));
    }

    private static void awaitAnswer(Pod from, String url, String prefix) {
        // Ready means the first CDS and LDS; endpoints may follow a moment later, hence the retries.
        Await.until(TRAFFIC, "an answer starting '" + prefix + "' from " + url + " in " + from.name(),
                () -> from.curl(url).output().startsWith(prefix), () -> from.curl(url).output());
    }

    private static void awaitAnswer(Pod from, String what, String prefix, String header) {
        Await.until(TRAFFIC, what + " (an answer starting '" + prefix + "')",
                () -> reviewsRequests(from, 1, header).startsWith(prefix), () -> reviewsRequests(from, 1, header));
    }

    /**
     * {@code count} GETs on http://reviews:9080/ (the name resolved to the ClusterIP, so Envoy routes on the host
     * {@code reviews:9080}), in one shell inside the pod; one line per request, a curl failure as {@code FAILED ...}.
     */
    private static String reviewsRequests(Pod from, int count, String header) {
        String headerArg = header == null ? "" : " -H '" + header + "'";
        String loop = "i=0; while [ $i -lt " + count + " ]; do i=$((i+1)); "
                + "curl -sS --max-time 5 --resolve reviews:" + REVIEWS_PORT + ":" + REVIEWS_IP + headerArg
                + " -w '\\n' http://reviews:" + REVIEWS_PORT + "/ 2>&1 | head -1 | grep . || echo FAILED; done";
        Commands.Result r = from.attempt(List.of("sh", "-c", loop), Duration.ofSeconds(60));
        if (r.exit() != 0) {
            throw new AssertionError(count + " requests from " + from.name() + " did not run: " + r.output());
        }
        return r.output();
    }

    /** How many times each answer came. */
    private static Map<String, Integer> tally(String answers) {
        Map<String, Integer> counts = new TreeMap<>();
        answers.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(l -> counts.merge(l, 1, Integer::sum));
        return counts;
    }

    private static void assertNoRejectedConfig() {
        for (Pod pod : SIDECARS) {
            assertEquals(0, stat(pod, "listener_manager.lds.update_rejected"), pod.name() + " rejected no listeners");
            assertEquals(0, stat(pod, "cluster_manager.cds.update_rejected"), pod.name() + " rejected no clusters");
        }
    }

    /** One counter from Envoy's admin {@code /stats}; fails when Envoy does not have it. */
    private static long stat(Pod pod, String name) {
        String stats = pod.envoyAdmin("/stats");
        Matcher m = STAT.matcher(stats);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return Long.parseLong(m.group(2));
            }
        }
        throw new AssertionError(pod.name() + "'s Envoy has no stat " + name);
    }

    @FunctionalInterface
    private interface Scenario {
        void run() throws Throwable;
    }

    /** Runs a scenario with the agents' and Envoys' own words attached to its failure. */
    private static void withLogs(Scenario scenario) throws Throwable {
        try {
            scenario.run();
        } catch (Throwable t) {
            t.addSuppressed(new AssertionError("pod logs:\n" + network.logs()));
            throw t;
        }
    }

    /**
     * reviews as bookinfo's example declares it: a ServiceEntry for the name a Kubernetes Service would have, since
     * its endpoints carry the pods' labels (version), which the subsets select on, and a file's EndpointSlices carry
     * none. The address is the ClusterIP.
     */
    private static String reviewsEntry(boolean withV2) {
        String v2 = withV2 ? "  - {address: " + reviewsV2.ip() + ", labels: {app: reviews, version: v2}}\n" : "";
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: reviews
                  namespace: default
                spec:
                  hosts: [reviews.default.svc.cluster.local]
                  addresses: [%s]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports:
                  - {number: %d, name: http, protocol: HTTP}
                  endpoints:
                  - {address: %s, labels: {app: reviews, version: v1}}
                """.formatted(REVIEWS_IP, REVIEWS_PORT, reviewsV1.ip()) + v2;
    }

    /** Subsets by version; with {@code split}, bookinfo's rule: jason to v2, everyone else 80/20 to v1/v2. */
    private static String reviewsRules(boolean split) {
        String rule = """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: default
                spec:
                  host: reviews
                  subsets:
                  - name: v1
                    labels: {version: v1}
                  - name: v2
                    labels: {version: v2}
                """;
        return !split ? rule : rule + """
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: default
                spec:
                  hosts: [reviews]
                  http:
                  - match:
                    - headers:
                        end-user: {exact: jason}
                    route:
                    - destination: {host: reviews, subset: v2}
                  - route:
                    - destination: {host: reviews, subset: v1}
                      weight: 80
                    - destination: {host: reviews, subset: v2}
                      weight: 20
                """;
    }

    /** tcp-echo (a port named tcp) and greeter (a port named grpc) on the backend pod, as Kubernetes writes them. */
    private static String backendServices(String podIp) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: tcp-echo
                  namespace: default
                spec:
                  clusterIP: %1$s
                  ports:
                  - port: %2$d
                    name: tcp
                    targetPort: %2$d
                  selector:
                    app: backend
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: tcp-echo-m4v9q
                  namespace: default
                  labels:
                    kubernetes.io/service-name: tcp-echo
                addressType: IPv4
                ports:
                - name: tcp
                  port: %2$d
                  protocol: TCP
                endpoints:
                - addresses: ["%5$s"]
                  conditions: {ready: true, serving: true, terminating: false}
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: greeter
                  namespace: default
                spec:
                  clusterIP: %3$s
                  ports:
                  - port: %4$d
                    name: grpc
                    targetPort: %4$d
                  selector:
                    app: backend
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: greeter-r8w2d
                  namespace: default
                  labels:
                    kubernetes.io/service-name: greeter
                addressType: IPv4
                ports:
                - name: grpc
                  port: %4$d
                  protocol: TCP
                endpoints:
                - addresses: ["%5$s"]
                  conditions: {ready: true, serving: true, terminating: false}
                """.formatted(TCP_ECHO_IP, TCP_PORT, GREETER_IP, GRPC_PORT, podIp);
    }
}
