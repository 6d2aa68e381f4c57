package io.pilot4j.load.client;

import java.util.BitSet;

/**
 * What one simulated sidecar holds, as name indexes: the clusters, the EDS names they need and those it has, the
 * route configs its listeners name and those it has. Initial convergence is the moment all of it is there.
 */
final class ProxyView {
    BitSet clusters = new BitSet();
    BitSet edsWanted = new BitSet();
    BitSet edsHeld = new BitSet();
    boolean listenersReceived;
    BitSet routesWanted = new BitSet();
    BitSet routesHeld = new BitSet();

    /** Every expected cluster, endpoints for every EDS cluster, listeners, and every route config they name. */
    boolean complete(BitSet expectedClusters) {
        return listenersReceived
                && containsAll(clusters, expectedClusters)
                && !edsWanted.isEmpty() && containsAll(edsHeld, edsWanted)
                && containsAll(routesHeld, routesWanted);
    }

    static boolean containsAll(BitSet set, BitSet subset) {
        BitSet missing = (BitSet) subset.clone();
        missing.andNot(set);
        return missing.isEmpty();
    }
}
