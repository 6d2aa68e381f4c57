package io.pilot4j.translate.listener;

/**
 * How outbound traffic reaches the proxy, from the INTERCEPTION_MODE node metadata (Istio's
 * TrafficInterceptionMode). Anything unknown or absent is REDIRECT, as in Istio.
 */
public enum InterceptionMode {
    /** iptables REDIRECT to virtualOutbound, which hands connections to listeners that do not bind. */
    REDIRECT,
    /** Like REDIRECT, but through TPROXY, which keeps the original destination: virtualOutbound must be transparent. */
    TPROXY,
    /** No iptables (a local Envoy, a VM without capture): the proxy must bind real ports on localhost. */
    NONE;

    public static final String METADATA_KEY = "INTERCEPTION_MODE";

    /** The mode a metadata value names; null or anything unknown is REDIRECT. */
    public static InterceptionMode parse(String value) {
        if ("NONE".equals(value)) {
            return NONE;
        }
        if ("TPROXY".equals(value)) {
            return TPROXY;
        }
        return REDIRECT;
    }
}
