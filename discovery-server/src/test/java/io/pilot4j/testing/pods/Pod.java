package io.pilot4j.testing.pods;

import io.pilot4j.testing.Await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A network namespace with an address on the {@link PodNetwork}'s bridge: processes started here see only the pod's
 * interfaces, and with {@link #withSidecar} their TCP goes through Istio's sidecar, as in a Kubernetes pod.
 */
public final class Pod implements AutoCloseable {
    /** Istio's proxy user: the capture rules let its traffic out unredirected, so Envoy must run as it. */
    public static final int PROXY_UID = 1337;
    private static final int NOBODY = 65534;
    private static final Duration KILL = Duration.ofSeconds(10);

    private final PodNetwork network;
    private final String name;
    private final String netns;
    private final String ip;
    private final Path workDir;
    private final Path logDir;
    private final List<PodProcess> processes = new ArrayList<>();

    Pod(PodNetwork network, String name, String netns, String ip, Path workDir, Path logDir) {
        this.network = network;
        this.name = name;
        this.netns = netns;
        this.ip = ip;
        this.workDir = workDir;
        this.logDir = logDir;
    }

    public String name() {
        return name;
    }

    /** The network namespace, for {@code ip netns exec}. */
    public String netns() {
        return netns;
    }

    public String ip() {
        return ip;
    }

    /** Runs a short command in the pod as root and returns its output; fails unless it exits 0. */
    public String run(List<String> command) {
        return Commands.run(inPod(command));
    }

    /** Runs a short command in the pod as root; its exit code and output, for commands expected to fail. */
    public Commands.Result attempt(List<String> command) {
        return Commands.attempt(inPod(command));
    }

    /** Starts a long-running process in the pod as root; {@link #close()} ends it. */
    public PodProcess exec(String label, List<String> command) {
        return start(label, inPod(command), Map.of(), null);
    }

    /** Starts a long-running process in the pod as {@code uid} (same gid, no supplementary groups). */
    public PodProcess execAs(int uid, String label, List<String> command, Map<String, String> env, Path workingDir) {
        List<String> asUser = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
        asUser.addAll(command);
        return start(label, inPod(asUser), env, workingDir);
    }

    /**
     * Starts an HTTP server on {@code port} that answers every GET with the pod's name and the peer address it
     * saw ({@code NAME peer=ADDRESS}): behind a sidecar, 127.0.0.6 says the request came through Envoy's inbound.
     * It runs as nobody, not as the proxy user, whose traffic the capture rules would let bypass the sidecar.
     */
    public PodProcess startEchoServer(int port) {
        Path script = EchoServer.script(PodNetwork.WORK_ROOT);
        // The pyenv python of the build user sits under /root, out of nobody's reach; Debian's is world-readable.
        Path python = Path.of("/usr/bin/python3");
        List<String> command = List.of(python.toString(), script.toString(), String.valueOf(port), name);
        PodProcess echo = Files.isExecutable(python)
                ? execAs(NOBODY, "echo", command, Map.of(), null)
                : exec("echo", List.of("python3", script.toString(), String.valueOf(port), name));
        Await.until(Duration.ofSeconds(20), "echo server of " + name + " on " + port,
                () -> !echo.isAlive() || curl("http://127.0.0.1:" + port + "/").ok(), echo::tail);
        if (!echo.isAlive()) {
            throw new IllegalStateException("echo server exited:\n" + echo.tail());
        }
        return echo;
    }

    /** {@code curl} from inside the pod as root (so through the sidecar, if there is one). */
    public Commands.Result curl(String url) {
        return attempt(List.of("curl", "-sS", "--max-time", "10", url));
    }

    /**
     * Istio's sidecar in this pod: the istio-init container's capture rules, then {@code pilot-agent proxy sidecar}
     * as the proxy user, which renders Envoy's bootstrap, starts Envoy and proxies its xDS to the control plane.
     *
     * @param discoveryAddress {@code host:port} of plaintext ADS, reachable from the pod (the bridge address)
     * @param namespace        the Kubernetes namespace the pod is in
     */
    public PodProcess withSidecar(SidecarImage image, String discoveryAddress, String namespace) {
        Path agent = network.shared(image.agent());
        // The istio-init flags of Istio's injection template; -d keeps the agent's status and metrics ports uncaptured.
        run(List.of(agent.toString(), "istio-iptables", "-p", "15001", "-z", "15006", "-u", String.valueOf(PROXY_UID),
                "-m", "REDIRECT", "-i", "*", "-b", "*", "-d", "15090,15021,15020"));
        SidecarFiles.layOut(workDir, image, PROXY_UID);
        Map<String, String> env = SidecarFiles.environment(workDir, network.shared(image.envoy()), name, namespace, ip, discoveryAddress);
        return execAs(PROXY_UID, "istio-proxy", List.of(agent.toString(), "proxy", "sidecar", "--domain", namespace + ".svc.cluster.local"),
                env, workDir);
    }

    /** Waits until the agent says ready (Envoy holds its first CDS and LDS), failing early if the agent exits. */
    public void awaitSidecarReady(PodProcess sidecar, Duration deadline) {
        String ready = "http://127.0.0.1:15021/healthz/ready";
        Await.until(deadline, "sidecar of " + name + " ready (" + ready + ")", () -> {
            if (!sidecar.isAlive()) {
                throw new AssertionError("pilot-agent of " + name + " exited:\n" + sidecar.tail());
            }
            return "200".equals(attempt(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", ready)).output().strip());
        }, sidecar::tail);
    }

    /** GET on the sidecar's Envoy admin port, e.g. {@code /stats} or {@code /listeners}. */
    public String envoyAdmin(String path) {
        return run(List.of("curl", "-sS", "--max-time", "10", "http://127.0.0.1:15000" + path));
    }

    /** The end of every process's output. */
    public String logs() {
        StringBuilder all = new StringBuilder();
        for (PodProcess p : processes) {
            all.append("[pod ").append(name).append("] ").append(p.tail());
        }
        return all.toString();
    }

    /** Ends everything in the namespace, including what the processes started (Envoy outlives a killed agent). */
    @Override
    public void close() {
        processes.forEach(PodProcess::kill);
        killAll(netns);
    }

    /**
     * Kills every process in the namespace, which is how a child that escaped its parent (Envoy, when the agent is
     * SIGKILLed) still goes. Asks the kernel again until none is left, as killing a parent can race with it forking;
     * the dead drop out of {@code ip netns pids} at once (a process leaves its namespaces when it exits, before anyone
     * reaps it).
     */
    static void killAll(String netns) {
        Await.until(KILL, "no process left in " + netns, () -> {
            List<String> left = pidsIn(netns);
            if (!left.isEmpty()) {
                List<String> kill = new ArrayList<>(List.of("kill", "-KILL"));
                kill.addAll(left);
                Commands.attempt(kill);
            }
            return left.isEmpty();
        }, () -> String.join(" ", pidsIn(netns)));
    }

    private static List<String> pidsIn(String netns) {
        return Commands.attempt(List.of("ip", "netns", "pids", netns)).output().lines()
                .map(String::strip).filter(pid -> pid.matches("\\d+")).toList();
    }

    private List<String> inPod(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(command);
        return full;
    }

    private PodProcess start(String label, List<String> command, Map<String, String> env, Path workingDir) {
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(label + ".log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            if (!env.isEmpty()) {
                // Only what a container would get: the test JVM's environment (ENVOY_BIN, KUBECONFIG...) would leak in.
                pb.environment().clear();
                pb.environment().putAll(env);
            }
            if (workingDir != null) {
                pb.directory(workingDir.toFile());
            }
            PodProcess p = new PodProcess(name + "/" + label, pb.start(), log);
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    /** The echo server's source, written once where every user can read it. */
    private static final class EchoServer {
        private static final String SOURCE = """
                import http.server, sys
                port, name = int(sys.argv[1]), sys.argv[2]
                class Echo(http.server.BaseHTTPRequestHandler):
                    protocol_version = "HTTP/1.1"
                    def do_GET(self):
                        body = ("%s peer=%s\\n" % (name, self.client_address[0])).encode()
                        self.send_response(200)
                        self.send_header("content-type", "text/plain")
                        self.send_header("content-length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                    def log_message(self, fmt, *args):
                        sys.stderr.write("%s %s\\n" % (self.client_address[0], fmt % args))
                        sys.stderr.flush()
                http.server.ThreadingHTTPServer(("0.0.0.0", port), Echo).serve_forever()
                """;

        static synchronized Path script(Path dir) {
            Path script = dir.resolve("echo.py");
            try {
                if (!Files.exists(script)) {
                    Files.writeString(script, SOURCE, StandardCharsets.UTF_8);
                    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
                }
                return script;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
