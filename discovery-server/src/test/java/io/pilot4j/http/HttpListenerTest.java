package io.pilot4j.http;

import io.pilot4j.http.HttpListener.Reply;
import io.pilot4j.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator ports' listener: its two clocks, keep-alive, routing, methods, workers, and a clean stop. */
class HttpListenerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpListener.Timeouts SHORT = new HttpListener.Timeouts(Duration.ofMillis(300), Duration.ofMillis(300));

    private final CountDownLatch release = new CountDownLatch(1);
    private HttpListener listener;

    @AfterEach
    void stop() {
        release.countDown();
        if (listener != null) {
            listener.close();
        }
    }

    private HttpListener start(HttpListener.Timeouts timeouts) throws IOException {
        listener = HttpListener.start("test-http", new InetSocketAddress("127.0.0.1", 0), Map.of(
                "/ready", r -> Reply.text(200, "ready\n"),
                "/debug", r -> Reply.text(200, "debug " + r.path() + " " + r.query() + "\n"),
                "/debug/slow", r -> {
                    try {
                        release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Reply.text(200, "slow\n");
                }), Set.of("/ready"), 1, timeouts);
        return listener;
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", listener.boundAddress().getPort());
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    /** Reads one response (status line, headers, a Content-Length body); null when the server closed the connection first. */
    private static String response(BufferedReader in) throws IOException {
        String status = in.readLine();
        if (status == null) {
            return null;
        }
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            read += in.read(body, read, length - read);
        }
        return status + "\n" + new String(body);
    }

    private static boolean closedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    void aRequestThatNeverEndsIsClosedAfterTheRequestTimeout() throws Exception {
        start(SHORT);
        try (Socket s = connect()) {
            send(s, "GET /ready HTTP/1.1\r\nHost: x\r\n");
            long start = System.nanoTime();
            assertTrue(closedByServer(s), "the server closes a request that does not arrive whole");
            assertTrue(System.nanoTime() - start < WAIT.toNanos());
        }
    }

    @Test
    void aRequestTrickledByteByByteIsClosedAtItsDeadlineNotKeptAliveByEachByte() throws Exception {
        start(new HttpListener.Timeouts(Duration.ofMillis(500), Duration.ofSeconds(30)));
        try (Socket s = connect()) {
            byte[] request = "GET /ready HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            boolean closed = false;
            long start = System.nanoTime();
            try {
                for (byte b : request) {
                    s.getOutputStream().write(b);
                    s.getOutputStream().flush();
                    // A slow client, the thing under test: 50 ms a byte, 4 s for the whole request.
                    Thread.sleep(50);
                }
            } catch (IOException reset) {
                closed = true;
            }
            assertTrue(closed || closedByServer(s), "the trickled request was answered or left open");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "closed after the request deadline, not at the end");
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeoutAndKeepAliveServesSeveralRequests() throws Exception {
        start(SHORT);
        try (Socket s = connect()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            send(s, "GET /ready HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\nready\n", response(in));
            send(s, "GET /debug/x?proxyID=a.b HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\ndebug /debug/x {proxyID=a.b}\n", response(in));
            assertEquals(null, response(in), "then the idle connection is closed");
        }
    }

    @Test
    void aSlowHandlerKeepsNeitherTheLoopRoutesNorOtherConnectionsWaiting() throws Exception {
        start(HttpListener.Timeouts.DEFAULT);
        try (Socket slow = connect(); Socket probe = connect()) {
            send(slow, "GET /debug/slow HTTP/1.1\r\nHost: x\r\n\r\n");
            BufferedReader in = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.US_ASCII));
            for (int i = 0; i < 5; i++) {
                send(probe, "GET /ready HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("HTTP/1.1 200 OK\nready\n", response(in));
            }
            release.countDown();
            BufferedReader slowIn = new BufferedReader(new InputStreamReader(slow.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 200 OK\nslow\n", response(slowIn));
        }
    }

    @Test
    void onlyGetAndHeadAndUnknownPathsAre404() throws Exception {
        start(HttpListener.Timeouts.DEFAULT);
        try (Socket s = connect()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            send(s, "POST /ready HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            assertEquals("HTTP/1.1 405 Method Not Allowed\nonly GET\n", response(in));
            send(s, "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 404 Not Found\nno such endpoint: /nowhere\n", response(in));
            send(s, "HEAD /ready HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK", in.readLine());
            for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                assertFalse(line.isBlank());
            }
            send(s, "GET /ready HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK\nready\n", response(in), "HEAD sent no body: the next response follows at once");
        }
    }

    @Test
    void closeStopsEveryThread() throws Exception {
        start(HttpListener.Timeouts.DEFAULT).close();
        listener = null;
        Await.until(WAIT, "the listener's threads to end", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("test-http")));
    }
}
