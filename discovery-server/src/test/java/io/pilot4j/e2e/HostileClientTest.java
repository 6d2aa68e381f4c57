package io.pilot4j.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.pilot4j.testing.AdsClient;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that send what no Envoy would: a megabyte node id, bytes that are no protobuf, a request over the message
 * size limit, HTTP/2 garbage. Each is answered with a status (or a GOAWAY), costs a bounded number of log lines of
 * bounded length, and the server keeps serving everyone else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileClientTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;

    private RunningServer server;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final List<LogRecord> grpcLogged = new ArrayList<>();
    private final Handler grpcHandler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (grpcLogged) {
                grpcLogged.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    void start(@TempDir Path configDir) throws Exception {
        server = RunningServer.start(configDir);
        server.writeConfig("web.yaml", """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: web, namespace: default}
                spec:
                  hosts: [web.example.com]
                  ports: [{number: 80, name: http, protocol: HTTP}]
                  resolution: STATIC
                  endpoints: [{address: 10.0.0.1}]
                """);
        Await.until(WAIT, "web in /debug/registryz", () -> server.get("/debug/registryz").body().contains("web.example.com"));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @BeforeEach
    void captureLogs() {
        logged.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logged);
        // grpc-java logs through java.util.logging; its stack traces of failed calls land there.
        java.util.logging.Logger.getLogger("io.grpc").addHandler(grpcHandler);
    }

    @AfterEach
    void stopCapturing() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
        java.util.logging.Logger.getLogger("io.grpc").removeHandler(grpcHandler);
    }

    /** What was logged that mentions {@code marker}, formatted as Istio's log lines print it. */
    private List<String> linesAbout(String marker) {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : List.copyOf(logged.list)) {
            if (e.getFormattedMessage().contains(marker)) {
                out.add(e.getFormattedMessage());
            }
        }
        return out;
    }

    /** A client the server still serves: it asks for clusters and gets them. */
    private void othersAreServed() {
        try (AdsClient other = new AdsClient(server.grpcTarget(), "sidecar~10.0.0.9~other.default~default.svc.cluster.local", Map.of())) {
            other.send(CDS, List.of(), "", "");
            assertEquals(CDS, other.next(WAIT).getTypeUrl());
        }
    }

    @Test
    void aMegabyteNodeIdIsLoggedOnceAndShortened() throws Exception {
        String pod = "huge-" + "x".repeat(1 << 20);
        String nodeId = "sidecar~10.0.0.1~" + pod + ".default~default.svc.cluster.local";
        try (AdsClient huge = new AdsClient(server.grpcTarget(), nodeId, Map.of())) {
            huge.send(CDS, List.of(), "", "");
            assertEquals(CDS, huge.next(WAIT).getTypeUrl());
            Await.until(WAIT, "the connection to be logged", () -> !linesAbout("huge-xxx").isEmpty());
        }
        Await.until(WAIT, "the connection's end to be logged", () -> linesAbout("huge-xxx").size() >= 2, () -> linesAbout("huge-xxx").toString());

        List<String> lines = linesAbout("huge-xxx");
        int chars = lines.stream().mapToInt(String::length).sum();
        assertTrue(chars < 4096, "a 1 MiB node id cost " + chars + " characters of log in " + lines.size() + " lines");
        assertEquals(1, lines.stream().filter(l -> l.contains("new connection for node:sidecar~10.0.0.1~huge-")).count(), lines::toString);
        assertTrue(lines.get(0).contains("more characters)"), lines.get(0));
        othersAreServed();
    }

    @Test
    void aMalformedMegabyteNodeIdIsRefusedWithAShortReason() throws Exception {
        String nodeId = "bogus-" + "y".repeat(1 << 20);
        try (AdsClient bad = new AdsClient(server.grpcTarget(), nodeId, Map.of())) {
            bad.send(CDS, List.of(), "", "");
            Status status = Status.fromThrowable(bad.error(WAIT));
            assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
            assertTrue(status.getDescription().length() < 1024, "a status description of " + status.getDescription().length() + " characters");
        }
        List<String> lines = linesAbout("bogus-yyy");
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).length() < 2048, lines.get(0).length() + " characters");
        othersAreServed();
    }

    /** Bytes that are no DiscoveryRequest, on the ADS method: what a gRPC client of another service could send. */
    @Test
    void aRequestThatIsNoProtobufEndsItsStreamWithInvalidArgumentAndOneLine() throws Exception {
        MethodDescriptor<byte[], byte[]> raw = AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod()
                .toBuilder(new Bytes(), new Bytes()).build();
        ManagedChannel channel = NettyChannelBuilder.forTarget(server.grpcTarget()).usePlaintext().build();
        try {
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(raw, CallOptions.DEFAULT),
                    new StreamObserver<>() {
                        @Override
                        public void onNext(byte[] value) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            ended.complete(t);
                        }

                        @Override
                        public void onCompleted() {
                            ended.complete(null);
                        }
                    });
            byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x12};
            for (int i = 0; i < 20; i++) {
                requests.onNext(garbage);
            }
            Status status = Status.fromThrowable(ended.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), String.valueOf(status));
            assertTrue(status.getDescription().startsWith("request is not a valid DiscoveryRequest protobuf: "), status.getDescription());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        Await.until(WAIT, "the refusal to be logged", () -> !linesAbout("not a valid DiscoveryRequest").isEmpty());
        assertEquals(1, linesAbout("not a valid DiscoveryRequest").size(), () -> linesAbout("not a valid DiscoveryRequest").toString());
        synchronized (grpcLogged) {
            assertTrue(grpcLogged.stream().noneMatch(r -> r.getLevel().intValue() >= Level.WARNING.intValue()),
                    () -> "grpc-java logged " + grpcLogged.stream().map(LogRecord::getMessage).toList());
        }
        othersAreServed();
    }

    @Test
    void aRequestOverTheMessageSizeLimitIsRefusedWithResourceExhausted() throws Exception {
        DiscoveryRequest.Builder big = DiscoveryRequest.newBuilder().setTypeUrl(CDS);
        for (int i = 0; i < 50_000; i++) {
            big.addResourceNames("outbound|80||service-" + i + "-" + "z".repeat(64) + ".example.com");
        }
        assertTrue(big.build().getSerializedSize() > 4 * 1024 * 1024);
        try (AdsClient client = new AdsClient(server.grpcTarget(), "sidecar~10.0.0.2~big.default~default.svc.cluster.local", Map.of())) {
            client.send(big);
            Status status = Status.fromThrowable(client.error(WAIT));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode(), String.valueOf(status));
        }
        othersAreServed();
    }

    /** A connection that sends the HTTP/2 preface and then bytes that are no frame gets GOAWAY and is closed. */
    @Test
    void http2GarbageIsAnsweredWithGoAway() throws Exception {
        int port = server.grpcPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // A SETTINGS frame on stream 1, which HTTP/2 allows on stream 0 only: a connection error.
            out.write(new byte[]{0, 0, 0, 0x04, 0, 0, 0, 0, 1});
            out.write("this is not HTTP/2".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(framesUntilEof(socket.getInputStream()).contains(0x07), "no GOAWAY frame before the server closed the connection");
        }
        othersAreServed();
    }

    /** The frame types the server sent until it closed the connection. */
    private static List<Integer> framesUntilEof(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        List<Integer> types = new ArrayList<>();
        try {
            while (true) {
                int length = (data.readUnsignedByte() << 16) | (data.readUnsignedByte() << 8) | data.readUnsignedByte();
                types.add(data.readUnsignedByte());
                data.skipNBytes(5L + length);
            }
        } catch (EOFException closed) {
            return types;
        } catch (java.net.SocketException reset) {
            return types;
        }
    }

    /** Passes bytes through, so a test can put any bytes on the ADS method. */
    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
