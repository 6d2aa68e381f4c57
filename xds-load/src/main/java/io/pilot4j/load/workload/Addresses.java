package io.pilot4j.load.workload;

/**
 * The addresses a workload uses. Only data: nothing ever connects to them. Endpoints are loopback addresses
 * (127.1.0.0 and up; fresh ones for changes from 127.128.0.0 up), so that no configuration the tool writes
 * points outside the machine; VIPs come from 240.240.0.0/16, the range Istio auto-allocates to ServiceEntries.
 */
public final class Addresses {
    /** Endpoints of a generated workload: 2^23 of them before reaching the change range. */
    private static final int ENDPOINT_BASE = (127 << 24) | (1 << 16);
    /** Fresh endpoint addresses for changes. */
    private static final int CHANGE_BASE = (127 << 24) | (128 << 16);
    private static final int CHANGE_RANGE = 1 << 23;

    private Addresses() {
    }

    public static String endpoint(int n) {
        if (n < 0 || n >= CHANGE_BASE - ENDPOINT_BASE) {
            throw new IllegalArgumentException("endpoint number out of range: " + n);
        }
        return ipv4(ENDPOINT_BASE + n);
    }

    /** The n-th address of the change range, wrapping around. */
    public static String change(long n) {
        return ipv4(CHANGE_BASE + (int) Math.floorMod(n, CHANGE_RANGE));
    }

    public static String vip(int service) {
        if (service < 0 || service > 0xFFFF) {
            throw new IllegalArgumentException("at most 65536 services have a VIP: " + service);
        }
        return "240.240." + (service >> 8) + "." + (service & 0xFF);
    }

    static String ipv4(int bits) {
        return ((bits >>> 24) & 0xFF) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "." + (bits & 0xFF);
    }
}
