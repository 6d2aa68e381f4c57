package io.pilot4j.translate.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which of a VirtualService's hosts a gateway server admits (Istio's host.NamesForNamespace and Names.Intersection,
 * pkg/config/host): server hosts qualified with another namespace than the VirtualService's are ignored, and of two
 * matching names the more specific one is kept, so {@code *.example.com} on the server and {@code a.example.com} in the
 * VirtualService give {@code a.example.com}, and the reverse too.
 */
final class GatewayHosts {
    private GatewayHosts() {
    }

    /** The hosts a server admits for VirtualServices of {@code namespace}, without their namespace. */
    static List<String> forNamespace(List<String> serverHosts, String namespace) {
        List<String> out = new ArrayList<>();
        for (String h : serverHosts) {
            int slash = h.indexOf('/');
            if (slash < 0) {
                out.add(h);
            } else {
                String ns = h.substring(0, slash);
                if (ns.equals(namespace) || ns.equals("*")) {
                    out.add(h.substring(slash + 1));
                }
            }
        }
        return out;
    }

    /** Istio's Names.Intersection, lower-cased (Host headers are case-insensitive), each name once, in order. */
    static List<String> intersection(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>();
        for (String x : a) {
            for (String y : b) {
                String kept = subsetOf(x, y) ? x : subsetOf(y, x) ? y : null;
                if (kept != null && !out.contains(kept.toLowerCase(Locale.ROOT))) {
                    out.add(kept.toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    /** Istio's Name.SubsetOf: every name {@code n} covers, {@code o} covers too. */
    static boolean subsetOf(String n, String o) {
        boolean nWild = n.startsWith("*");
        boolean oWild = o.startsWith("*");
        if (nWild) {
            return oWild && n.length() >= o.length() && n.substring(1).endsWith(o.substring(1));
        }
        return oWild ? n.endsWith(o.substring(1)) : n.equals(o);
    }
}
