package io.pilot4j.server;

/** The server cannot start; the message says why in terms the user can act on. */
public final class StartupException extends Exception {
    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
