package io.pilot4j.load.xds;

/** A resource a client rejects: the response carrying it is NACKed with this message. */
public final class InvalidResource extends Exception {
    public InvalidResource(String message) {
        super(message, null, false, false);
    }
}
