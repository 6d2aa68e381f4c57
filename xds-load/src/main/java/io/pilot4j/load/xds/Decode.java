package io.pilot4j.load.xds;

/**
 * How much of each resource a simulated client parses. Clusters and listeners are always parsed whole (a client
 * needs their EDS and RDS names, and they come rarely).
 */
public enum Decode {
    /** Every resource parsed into its message, as Envoy does. */
    FULL,
    /**
     * Endpoints and routes: only their name, plus the whole assignment of a cluster a change is awaited on. The
     * load generator shares the machine with the server; parsing less leaves more of it to the server measured.
     */
    NAMES
}
