package io.pilot4j.e2e;

import io.pilot4j.testing.Await;
import io.pilot4j.testing.RunningServer;
import io.pilot4j.testing.pods.Pod;
import io.pilot4j.testing.pods.PodNetwork;
import io.pilot4j.testing.pods.PodProcess;
import io.pilot4j.testing.pods.SidecarImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two pods on one machine, each with Istio's real sidecar (pilot-agent starting Envoy, behind istio-iptables'
 * capture rules) configured by pilot4j: a request from the client pod to a service's ClusterIP leaves through the
 * client sidecar's outbound and arrives through the server sidecar's inbound, as in a cluster. Needs root, ip,
 * iptables, pilot-agent ({@code .ci/pilot-agent}), Envoy and Istio's module files; skips with one line without them.
 */
class PodSidecarTest {
    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration TRAFFIC = Duration.ofSeconds(30);
    private static final String CLUSTER_IP = "10.96.20.10";
    private static final String NAMESPACE = "default";
    private static final Pattern STAT = Pattern.compile("(?m)^(\\S+): (\\d+)$");

    @Test
    void clusterIpRequestGoesThroughBothSidecars(@TempDir Path configDir, @TempDir Path scratch) throws Exception {
        SidecarImage image = SidecarImage.assumeAvailable(scratch);
        try (PodNetwork network = PodNetwork.create(Path.of("target/pod-logs/PodSidecarTest"))) {
            try {
                run(network, image, configDir);
            } catch (Throwable t) {
                // The agents' and Envoys' own words, in the report next to the failure.
                t.addSuppressed(new AssertionError("pod logs:\n" + network.logs()));
                throw t;
            }
        }
    }

    private void run(PodNetwork network, SidecarImage image, Path configDir) throws Exception {
        Pod echo = network.addPod("echo-1");
        Pod sleep = network.addPod("sleep-1");
        Files.writeString(configDir.resolve("echo.yaml"), echoService(echo.ip()));
        try (RunningServer pilot = RunningServer.startOn(PodNetwork.BRIDGE_IP, configDir)) {
            try {
                exchange(pilot, echo, sleep, image);
            } finally {
                // Pods go before the server, so that a stream the server drops shows in Envoy's log only when it is a fault.
                echo.close();
                sleep.close();
            }
        }
    }

    private void exchange(RunningServer pilot, Pod echo, Pod sleep, SidecarImage image) {
        pilot.awaitReady();
        String discovery = PodNetwork.BRIDGE_IP + ":" + pilot.server().grpcAddress().getPort();
        echo.startEchoServer(8080);
        PodProcess echoProxy = echo.withSidecar(image, discovery, NAMESPACE);
        PodProcess sleepProxy = sleep.withSidecar(image, discovery, NAMESPACE);
        echo.awaitSidecarReady(echoProxy, READY);
        sleep.awaitSidecarReady(sleepProxy, READY);

        // Ready means the first CDS and LDS; the endpoints may follow a moment later, hence the retries.
        String url = "http://" + CLUSTER_IP + "/";
        Await.until(TRAFFIC, "an answer from the echo pod at " + url,
                () -> sleep.curl(url).output().startsWith("echo-1 "), () -> sleep.curl(url).output());
        String answer = sleep.curl(url).output().strip();
        assertEquals("echo-1 peer=127.0.0.6", answer, "the app sees Envoy's inbound cluster's source address");
        // Per-host counters, from /clusters: Istio's bootstrap keeps per-cluster stats out of /stats.
        String host = "outbound|80||echo.default.svc.cluster.local::" + echo.ip() + ":8080::rq_total::";
        String clusters = sleep.envoyAdmin("/clusters");
        assertTrue(clusters.lines().anyMatch(l -> l.startsWith(host) && !l.equals(host + "0")),
                "the client sidecar's outbound cluster carried it:\n" + clusters);

        for (Pod pod : List.of(echo, sleep)) {
            assertEquals(0, stat(pod, "listener_manager.lds.update_rejected"), pod.name() + " rejected no listeners");
            assertEquals(0, stat(pod, "cluster_manager.cds.update_rejected"), pod.name() + " rejected no clusters");
        }
        String listeners = echo.envoyAdmin("/listeners");
        assertTrue(listeners.lines().anyMatch(l -> l.startsWith("virtualInbound::")), listeners);
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

    /** The echo Service with a ClusterIP, and its slice naming the echo pod, as Kubernetes' controllers write them. */
    private static String echoService(String podIp) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: echo
                  namespace: default
                  labels:
                    app: echo
                spec:
                  clusterIP: %s
                  ports:
                  - port: 80
                    name: http
                    targetPort: 8080
                  selector:
                    app: echo
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: echo-x7k2p
                  namespace: default
                  labels:
                    kubernetes.io/service-name: echo
                addressType: IPv4
                ports:
                - name: http
                  port: 8080
                  protocol: TCP
                endpoints:
                - addresses: ["%s"]
                  conditions: {ready: true, serving: true, terminating: false}
                """.formatted(CLUSTER_IP, podIp);
    }
}
