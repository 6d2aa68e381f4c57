package io.pilot4j.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** TCP backends on loopback that greet every connection with their name and close it: who did a connection reach? */
public final class TcpBackends implements AutoCloseable {
    private final List<ServerSocket> sockets = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    public static TcpBackends start(String... names) {
        TcpBackends backends = new TcpBackends();
        for (String name : names) {
            try {
                ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                backends.sockets.add(socket);
                backends.names.add(name);
                Thread acceptor = new Thread(() -> greet(socket, name), "tcp-backend-" + name);
                acceptor.setDaemon(true);
                acceptor.start();
            } catch (IOException e) {
                backends.close();
                throw new UncheckedIOException(e);
            }
        }
        return backends;
    }

    private static void greet(ServerSocket socket, String name) {
        byte[] greeting = (name + "\n").getBytes(StandardCharsets.UTF_8);
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                OutputStream out = connection.getOutputStream();
                out.write(greeting);
                out.flush();
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // One broken connection; keep serving.
            }
        }
    }

    public int port(int index) {
        return sockets.get(index).getLocalPort();
    }

    public String name(int index) {
        return names.get(index);
    }

    /** Connects to {@code address:port} and returns the first line the other side sends. */
    public static String who(String address, int port) {
        try (Socket socket = new Socket(address, port)) {
            socket.setSoTimeout(10_000);
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new AssertionError(address + ":" + port + " closed the connection without a greeting");
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(address + ":" + port + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (ServerSocket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Closing anyway.
            }
        }
    }
}
