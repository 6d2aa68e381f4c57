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
        return startEchoServer(port, "echo");
    }

    /** {@link #startEchoServer(int)} under another log label, for a second echo server in the same pod. */
    public PodProcess startEchoServer(int port, String label) {
        PodProcess echo = startPythonAsNobody(label, EchoServer.script(PodNetwork.WORK_ROOT), port);
        awaitServing(echo, "echo server", port, () -> curl("http://127.0.0.1:" + port + "/").ok());
        return echo;
    }

    /**
     * Starts a TCP server on {@code port} that answers every line it reads with {@code NAME peer=ADDRESS}: raw TCP,
     * which a sidecar carries through tcp_proxy rather than its HTTP connection manager. Runs as nobody, as the
     * echo server does.
     */
    public PodProcess startTcpEchoServer(int port) {
        PodProcess echo = startPythonAsNobody("tcp-echo-" + port, AppScripts.write(PodNetwork.WORK_ROOT, "tcp_echo.py", AppScripts.TCP_ECHO), port);
        awaitServing(echo, "TCP echo server", port, () -> tcpLine("127.0.0.1", port, "ping").ok());
        return echo;
    }

    /**
     * Starts a cleartext HTTP/2-only server (prior knowledge, no HTTP/1.1 upgrade) on {@code port} that answers every
     * request as a unary gRPC server would: {@code content-type: application/grpc}, one length-prefixed message (a
     * protobuf with field 1 = {@code NAME peer=ADDRESS}) and a {@code grpc-status: 0} trailer. Python's standard
     * library has no HTTP/2 and grpcio is not on these machines, so it speaks the frames itself; an HTTP/1.1 request
     * is dropped, which is what proves a proxy in front of it used HTTP/2.
     */
    public PodProcess startGrpcServer(int port) {
        PodProcess grpc = startPythonAsNobody("grpc-" + port, AppScripts.write(PodNetwork.WORK_ROOT, "h2_grpc.py", AppScripts.H2_GRPC), port);
        awaitServing(grpc, "gRPC (h2c) server", port, () -> grpcCall("http://127.0.0.1:" + port + "/echo.Echo/Say").ok());
        return grpc;
    }

    /**
     * A unary gRPC call with an empty request message, by curl over cleartext HTTP/2 with prior knowledge, from inside
     * the pod as root (so through the sidecar, if there is one). The output is the response's headers and trailers
     * ({@code -D -}), then its body: the 5-byte gRPC prefix and the message.
     */
    public Commands.Result grpcCall(String url) {
        return attempt(List.of("sh", "-c", "printf '\\0\\0\\0\\0\\0' | curl -sS --max-time 10 --http2-prior-knowledge -D - "
                + "-H 'content-type: application/grpc' -H 'te: trailers' --data-binary @- \"$0\"", url));
    }

    /**
     * Sends one line over TCP from inside the pod as root (through the sidecar, if there is one) and returns the
     * line that came back; Python rather than netcat, which these machines do not all have.
     */
    public Commands.Result tcpLine(String host, int port, String line) {
        String client = "import socket,sys\n"
                + "s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)\n"
                + "s.sendall(sys.argv[3].encode() + b'\\n')\n"
                + "reply = s.makefile('rb').readline()\n"
                + "sys.stdout.write(reply.decode())\n"
                + "sys.exit(0 if reply.endswith(b'\\n') else 1)\n";
        return attempt(List.of("python3", "-c", client, host, String.valueOf(port), line));
    }

    /** {@link #attempt(List)} with a deadline of its own, for a command that runs many requests in one process. */
    public Commands.Result attempt(List<String> command, Duration timeout) {
        return Commands.attempt(inPod(command), timeout);
    }

    /** Runs {@code script PORT NAME} as nobody (root's python when Debian's is missing, as for the echo server). */
    private PodProcess startPythonAsNobody(String label, Path script, int port) {
        // The pyenv python of the build user sits under /root, out of nobody's reach; Debian's is world-readable.
        Path python = Path.of("/usr/bin/python3");
        List<String> command = List.of(python.toString(), script.toString(), String.valueOf(port), name);
        return Files.isExecutable(python)
                ? execAs(NOBODY, label, command, Map.of(), null)
                : exec(label, List.of("python3", script.toString(), String.valueOf(port), name));
    }

    private void awaitServing(PodProcess server, String what, int port, java.util.function.BooleanSupplier answers) {
        Await.until(Duration.ofSeconds(20), what + " of " + name + " on " + port,
                () -> !server.isAlive() || answers.getAsBoolean(), server::tail);
        if (!server.isAlive()) {
            throw new IllegalStateException(what + " exited:\n" + server.tail());
        }
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

    /** The other apps' sources, each written once where every user can read it. */
    private static final class AppScripts {
        static final String TCP_ECHO = """
                import socketserver, sys
                port, name = int(sys.argv[1]), sys.argv[2]
                class Echo(socketserver.StreamRequestHandler):
                    def handle(self):
                        for line in self.rfile:
                            self.wfile.write(("%s peer=%s\\n" % (name, self.client_address[0])).encode())
                            self.wfile.flush()
                        sys.stderr.write("%s closed\\n" % self.client_address[0])
                        sys.stderr.flush()
                socketserver.ThreadingTCPServer.allow_reuse_address = True
                socketserver.ThreadingTCPServer(("0.0.0.0", port), Echo).serve_forever()
                """;

        // Frames: 9-byte header (length, type, flags, stream). Request headers are not decoded (HPACK state is only
        // needed to read them); response headers are HPACK literals without indexing, which need no state at all.
        static final String H2_GRPC = """
                import socket, struct, sys, threading
                port, name = int(sys.argv[1]), sys.argv[2]
                PREFACE = b"PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n"
                DATA, HEADERS, SETTINGS, PING, GOAWAY = 0, 1, 4, 6, 7
                END_STREAM, ACK, END_HEADERS = 1, 1, 4
                def frame(kind, flags, stream, payload=b""):
                    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload
                def literal(header, value):
                    header, value = header.encode(), value.encode()
                    return b"\\x00" + bytes([len(header)]) + header + bytes([len(value)]) + value
                def read(f, n):
                    data = f.read(n)
                    if len(data) < n:
                        raise EOFError
                    return data
                def serve(conn, peer):
                    f = conn.makefile("rb")
                    try:
                        if read(f, len(PREFACE)) != PREFACE:
                            sys.stderr.write("%s: not HTTP/2 prior knowledge, dropped\\n" % peer)
                            return
                        conn.sendall(frame(SETTINGS, 0, 0))
                        while True:
                            head = read(f, 9)
                            kind, flags = head[3], head[4]
                            stream = int.from_bytes(head[5:9], "big") & 0x7fffffff
                            payload = read(f, int.from_bytes(head[:3], "big"))
                            if kind == SETTINGS and not flags & ACK:
                                conn.sendall(frame(SETTINGS, ACK, 0))
                            elif kind == PING and not flags & ACK:
                                conn.sendall(frame(PING, ACK, 0, payload))
                            elif kind == GOAWAY:
                                return
                            elif kind in (DATA, HEADERS) and flags & END_STREAM:
                                text = ("%s peer=%s" % (name, peer)).encode()
                                message = b"\\x0a" + bytes([len(text)]) + text
                                conn.sendall(frame(HEADERS, END_HEADERS, stream, b"\\x88" + literal("content-type", "application/grpc"))
                                             + frame(DATA, 0, stream, b"\\x00" + struct.pack(">I", len(message)) + message)
                                             + frame(HEADERS, END_HEADERS | END_STREAM, stream, literal("grpc-status", "0")))
                                sys.stderr.write("%s stream %d answered\\n" % (peer, stream))
                                sys.stderr.flush()
                    except (EOFError, OSError):
                        pass
                    finally:
                        conn.close()
                server = socket.create_server(("0.0.0.0", port), reuse_port=False)
                while True:
                    conn, addr = server.accept()
                    threading.Thread(target=serve, args=(conn, addr[0]), daemon=True).start()
                """;

        static synchronized Path write(Path dir, String fileName, String source) {
            Path script = dir.resolve(fileName);
            try {
                if (!Files.exists(script)) {
                    Files.writeString(script, source, StandardCharsets.UTF_8);
                    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
                }
                return script;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
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
