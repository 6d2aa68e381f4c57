package io.pilot4j.model.networking;

import java.util.Collection;
import java.util.Optional;

/** Istio's host name rules for traffic rules (pkg/config/host): wildcard matching. */
public final class Hosts {
    private Hosts() {
    }

    /**
     * Whether a rule host ({@code reviews.default.svc.cluster.local}, {@code *.example.com}, {@code *}) covers a
     * service hostname. A wildcard covers every name ending with what follows its {@code *}.
     */
    public static boolean matches(String ruleHost, String hostname) {
        if (ruleHost.equals(hostname)) {
            return true;
        }
        if (ruleHost.startsWith("*")) {
            return hostname.endsWith(ruleHost.substring(1));
        }
        return false;
    }

    /**
     * Istio's host.Name.SubsetOf: whether every name {@code host} covers is covered by {@code of} too ({@code a.b.com}
     * and {@code *.b.com} are subsets of {@code *.b.com}; {@code *.com} is not a subset of {@code *.b.com}).
     */
    public static boolean subsetOf(String host, String of) {
        boolean wild = host.startsWith("*");
        if (!of.startsWith("*")) {
            return !wild && host.equals(of);
        }
        return (wild ? host.substring(1) : host).endsWith(of.substring(1));
    }

    /**
     * Istio's MostSpecificHostMatch: the exact host if listed, else the longest wildcard that covers it (so
     * {@code *.bar.com} wins over {@code *.com}).
     */
    public static Optional<String> mostSpecificMatch(String hostname, Collection<String> ruleHosts) {
        if (ruleHosts.contains(hostname)) {
            return Optional.of(hostname);
        }
        String best = null;
        for (String h : ruleHosts) {
            if (h.startsWith("*") && matches(h, hostname) && (best == null || h.length() > best.length())) {
                best = h;
            }
        }
        return Optional.ofNullable(best);
    }
}
