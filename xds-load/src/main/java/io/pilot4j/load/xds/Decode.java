package io.pilot4j.load.xds;

/** How much of each resource a simulated client parses. Listeners are always parsed whole (they are few). */
public enum Decode {
    /** Every resource parsed into its message, as Envoy does. */
    FULL,
    /**
     * Clusters, endpoints and routes read off the wire for what the client needs (names, a cluster's EDS name),
     * plus the whole assignment of a cluster a change is awaited on. The load generator shares the machine with
     * the server; parsing less leaves more of it to the server measured.
     */
    NAMES
}
