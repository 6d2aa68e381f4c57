package io.pilot4j.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostPortTest {
    @ParameterizedTest
    @CsvSource({
            ":15010, 0.0.0.0, 15010",
            "127.0.0.1:8080, 127.0.0.1, 8080",
            "127.0.0.1:0, 127.0.0.1, 0",
            "localhost:15010, 127.0.0.1, 15010",
            "'[::1]:15010', 0:0:0:0:0:0:0:1, 15010",
    })
    void parses(String value, String ip, int port) {
        InetSocketAddress a = HostPort.parse("--grpcAddr", value);
        assertEquals(port, a.getPort());
        assertEquals(ip, a.getAddress().getHostAddress());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "15010|want host:port or :port",
            ":http|port 'http' in ':http' is not a number",
            ":70000|port 70000 in ':70000' is out of range 0-65535",
            "no-such-host.invalid:15010|host 'no-such-host.invalid' in 'no-such-host.invalid:15010' does not resolve",
    })
    void rejectsWithAMessageNamingTheFlag(String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse("--grpcAddr", value));
        assertTrue(e.getMessage().startsWith("--grpcAddr: "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
