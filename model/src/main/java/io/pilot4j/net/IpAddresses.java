package io.pilot4j.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises IP address and CIDR literals. Never resolves names: InetAddress is only asked to parse strings that
 * can only be IPv6 literals, which it does without a DNS lookup.
 */
public final class IpAddresses {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    private IpAddresses() {
    }

    public static boolean isIPv4(String s) {
        if (s == null) {
            return false;
        }
        Matcher m = IPV4.matcher(s);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    public static boolean isIPv6(String s) {
        if (s == null || s.indexOf(':') < 0 || !IPV6_CHARS.matcher(s).matches()) {
            return false;
        }
        try {
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException | IllegalArgumentException e) {
            return false;
        }
    }

    public static boolean isIp(String s) {
        return isIPv4(s) || isIPv6(s);
    }

    /** An IP, or a CIDR block such as 10.0.0.0/16 or 2001:db8::/32. */
    public static boolean isIpOrCidr(String s) {
        if (s == null) {
            return false;
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            return isIp(s);
        }
        String ip = s.substring(0, slash);
        String bits = s.substring(slash + 1);
        if (!bits.matches("\\d{1,3}")) {
            return false;
        }
        int prefix = Integer.parseInt(bits);
        return isIPv4(ip) ? prefix <= 32 : isIPv6(ip) && prefix <= 128;
    }

    /** A CIDR block that covers one host (/32, /128) is that host's IP, as Istio treats it; anything else is unchanged. */
    public static String withoutHostPrefix(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return s;
        }
        String ip = s.substring(0, slash);
        String bits = s.substring(slash + 1);
        boolean host = isIPv4(ip) ? bits.equals("32") : isIPv6(ip) && bits.equals("128");
        return host ? ip : s;
    }
}
