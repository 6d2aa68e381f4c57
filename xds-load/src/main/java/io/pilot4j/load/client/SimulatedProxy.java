package io.pilot4j.load.client;

/** One simulated sidecar holding one ADS stream, re-opened after a failure until closed. */
public interface SimulatedProxy extends AutoCloseable {
    void start();

    @Override
    void close();
}
