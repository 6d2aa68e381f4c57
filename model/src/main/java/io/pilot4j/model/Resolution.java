package io.pilot4j.model;

/** How a proxy finds the endpoints of a service; Istio's model.Resolution. */
public enum Resolution {
    /** The proxy load-balances over endpoints pushed by EDS. */
    CLIENT_SIDE_LB,
    /** The proxy resolves endpoint hostnames through DNS (STRICT_DNS clusters). */
    DNS_LB,
    /** DNS, one connection to whichever address came first (LOGICAL_DNS clusters). */
    DNS_ROUND_ROBIN_LB,
    /** The proxy forwards to the original destination address (ORIGINAL_DST clusters). */
    PASSTHROUGH
}
