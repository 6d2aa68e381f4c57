package io.pilot4j.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on a loopback port to a server, with the network faults a test needs: every connection it relays can be
 * cut at once (as a load balancer or the server ending long-lived watches), and new connections can be slowed down
 * (a loaded server's TLS handshake and authentication). TLS passes through untouched.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Duration connectDelay = Duration.ZERO;

    private TcpProxy(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
    }

    public static TcpProxy to(String host, int port) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TcpProxy proxy = new TcpProxy(listener, new InetSocketAddress(host, port));
        Thread accept = new Thread(proxy::accept, "tcp-proxy-" + listener.getLocalPort());
        accept.setDaemon(true);
        accept.start();
        return proxy;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Each new connection reaches the server this much later; its bytes then flow at once. */
    public void delayConnections(Duration delay) {
        this.connectDelay = delay;
    }

    /** Cuts every connection relayed so far; new ones are relayed as before. */
    public void dropConnections() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    @Override
    public void close() {
        closeQuietly(listener);
        dropConnections();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                open.add(client);
                Thread t = new Thread(() -> relay(client), "tcp-proxy-relay");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                // Closed.
            }
        }
    }

    private void relay(Socket client) {
        Socket server = new Socket();
        try {
            Thread.sleep(connectDelay.toMillis()); // the latency being simulated, not a wait for anything
            server.connect(target, 5_000);
            open.add(server);
            Thread up = new Thread(() -> pump(client, server), "tcp-proxy-up");
            up.setDaemon(true);
            up.start();
            pump(server, client);
        } catch (IOException e) {
            // The server is down: the client sees its connection closed, as through a load balancer.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client);
            closeQuietly(server);
            open.remove(client);
            open.remove(server);
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side closed: so does the other.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Already closed.
        }
    }
}
