package io.pilot4j.net;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IpAddressesTest {

    @ParameterizedTest(name = "''{0}'' ipv4={1} ipv6={2} ipOrCidr={3}")
    @CsvSource({
            "10.0.0.1,        true,  false, true",
            "255.255.255.255, true,  false, true",
            "256.0.0.1,       false, false, false",
            "10.0.0,          false, false, false",
            "::1,             false, true,  true",
            "fd00::b,         false, true,  true",
            "2001:db8::1:2:3, false, true,  true",
            "1::2::3,         false, false, false",
            "example.com,     false, false, false",
            "'',              false, false, false",
            "10.0.0.0/8,      false, false, true",
            "10.0.0.0/33,     false, false, false",
            "fd00::/8,        false, false, true",
            "fd00::/129,      false, false, false",
            "example.com/8,   false, false, false",
    })
    void recognises(String s, boolean ipv4, boolean ipv6, boolean ipOrCidr) {
        assertEquals(ipv4, IpAddresses.isIPv4(s), "ipv4");
        assertEquals(ipv6, IpAddresses.isIPv6(s), "ipv6");
        assertEquals(ipOrCidr, IpAddresses.isIpOrCidr(s), "ipOrCidr");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "10.0.0.1/32,  10.0.0.1",
            "10.0.0.0/24,  10.0.0.0/24",
            "fd00::1/128,  fd00::1",
            "fd00::/64,    fd00::/64",
            "10.0.0.1,     10.0.0.1",
    })
    void singleHostBlocksAreAddresses(String in, String expected) {
        assertEquals(expected, IpAddresses.withoutHostPrefix(in));
    }
}
