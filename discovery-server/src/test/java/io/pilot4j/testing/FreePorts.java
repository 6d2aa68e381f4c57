package io.pilot4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Ports nothing listens on right now, for services whose port a local Envoy binds itself (INTERCEPTION_MODE NONE):
 * fixed numbers would collide with whatever else runs on the machine, other test JVMs included.
 */
public final class FreePorts {
    private FreePorts() {
    }

    /** {@code count} distinct ports, each free on every address when picked. */
    public static int[] pick(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0); // the wildcard address: free on 127.0.0.x as well
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // Released either way.
                }
            }
        }
    }
}
