package io.pilot4j.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP backends on loopback that answer every request with their own name, so a test sees which backend a
 * request through Envoy reached; they also say what they received (path in {@code x-request-path}, the request's
 * {@code x-} headers in {@code x-request-headers}) and count requests. The client side is a plain socket, because
 * the JDK's HTTP clients will not send an arbitrary Host header, which is what Envoy routes on.
 */
public final class HttpBackends implements AutoCloseable {
    /** Status line code, body and headers (names lower case, the last value of each) of one response. */
    public record Reply(int status, String body, java.util.Map<String, String> headers) {
        public Reply {
            headers = java.util.Map.copyOf(headers);
        }

        public String header(String name) {
            return headers.getOrDefault(name, "");
        }
    }

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<java.util.concurrent.atomic.AtomicInteger> hits = new ArrayList<>();

    public static HttpBackends start(String... names) {
        return start(n -> 200, java.time.Duration.ZERO, names);
    }

    /** One backend that fails every other request with 503, the first included: what retries are for. */
    public static HttpBackends flaky(String name) {
        return start(n -> n % 2 == 1 ? 503 : 200, java.time.Duration.ZERO, name);
    }

    /** One backend that answers only after {@code delay}: what timeouts are for. */
    public static HttpBackends slow(java.time.Duration delay, String name) {
        return start(n -> 200, delay, name);
    }

    /** @param status the status of the n-th request (1-based) */
    private static HttpBackends start(java.util.function.IntUnaryOperator status, java.time.Duration delay, String... names) {
        HttpBackends backends = new HttpBackends();
        for (String name : names) {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                byte[] body = name.getBytes(StandardCharsets.UTF_8);
                java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
                server.createContext("/", exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    int n = count.incrementAndGet();
                    if (!delay.isZero()) {
                        try {
                            Thread.sleep(delay.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    exchange.getResponseHeaders().add("x-request-path", exchange.getRequestURI().getRawPath());
                    java.util.TreeMap<String, String> received = new java.util.TreeMap<>();
                    exchange.getRequestHeaders().forEach((k, v) -> {
                        if (k.toLowerCase(java.util.Locale.ROOT).startsWith("x-") && !k.toLowerCase(java.util.Locale.ROOT).startsWith("x-envoy")
                                && !k.toLowerCase(java.util.Locale.ROOT).equals("x-request-id")
                                && !k.toLowerCase(java.util.Locale.ROOT).equals("x-forwarded-proto")) {
                            received.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v));
                        }
                    });
                    StringBuilder echoed = new StringBuilder();
                    received.forEach((k, v) -> echoed.append(echoed.length() == 0 ? "" : ";").append(k).append('=').append(v));
                    exchange.getResponseHeaders().add("x-request-headers", echoed.toString());
                    exchange.sendResponseHeaders(status.applyAsInt(n), body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
                server.start();
                backends.servers.add(server);
                backends.names.add(name);
                backends.hits.add(count);
            } catch (IOException e) {
                backends.close();
                throw new UncheckedIOException(e);
            }
        }
        return backends;
    }

    /** Requests backend {@code index} has answered so far. */
    public int hits(int index) {
        return hits.get(index).get();
    }

    public int port(int index) {
        return servers.get(index).getAddress().getPort();
    }

    public String name(int index) {
        return names.get(index);
    }

    /**
     * GET / over a new connection to {@code address:port} with this Host header. The body is read by its
     * Content-Length, not to the end of the stream: Envoy holds its side of a closing connection open for up to a
     * second (delayed_close_timeout) after a reply it made itself.
     */
    public static Reply get(String address, int port, String host) {
        return get(address, port, host, java.util.Map.of());
    }

    /** The same with extra request headers ({@code end-user: jason}). */
    public static Reply get(String address, int port, String host, java.util.Map<String, String> headers) {
        return get(address, port, host, "/", headers);
    }

    /** GET {@code path} with extra request headers. */
    public static Reply get(String address, int port, String host, String path, java.util.Map<String, String> headers) {
        try (Socket socket = new Socket(address, port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            request.append("Connection: close\r\n\r\n");
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            if (!head.startsWith("HTTP/1.1 ")) {
                throw new AssertionError("not an HTTP/1.1 response from " + address + ":" + port + ": " + head);
            }
            Matcher length = CONTENT_LENGTH.matcher(head);
            byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : in.readAllBytes();
            java.util.Map<String, String> responseHeaders = new java.util.HashMap<>();
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("HTTP/")) {
                    responseHeaders.put(line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            return new Reply(Integer.parseInt(head.substring(9, 12)), new String(body, StandardCharsets.UTF_8), responseHeaders);
        } catch (IOException e) {
            throw new UncheckedIOException("GET http://" + address + ":" + port + "/ (Host: " + host + "): " + e.getMessage(), e);
        }
    }

    /** Status line and headers, up to the empty line. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                return head.toString();
            }
        }
        throw new IOException("connection closed before the end of the headers: " + head);
    }

    @Override
    public void close() {
        for (HttpServer s : servers) {
            s.stop(0);
        }
    }
}
