package io.pilot4j.load.workload;

/** One endpoint of one service moved to a new address: the unit a run measures. */
public record EndpointChange(int sequence, ServiceSpec before, ServiceSpec after, int endpointIndex, String newAddress) {
    public String clusterName() {
        return after.clusterName();
    }
}
