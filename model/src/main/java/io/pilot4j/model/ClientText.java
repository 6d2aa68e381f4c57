package io.pilot4j.model;

/**
 * What of a client-supplied string (a node id, a NACK's error message, a type URL) goes into a log line or an error
 * message. A request may carry megabytes in any of them: logged whole, each connection of such a client would write
 * that much, several times over. Every node id Kubernetes can produce is shorter than the cap.
 */
public final class ClientText {
    /** Longer than any real node id (pod names are at most 253 characters, namespaces 63). */
    public static final int MAX_CHARS = 512;

    private ClientText() {
    }

    /** The text itself when short enough, else its first {@link #MAX_CHARS} characters and how many were left out. */
    public static String abbreviate(String text) {
        if (text == null || text.length() <= MAX_CHARS) {
            return text;
        }
        return text.substring(0, MAX_CHARS) + "...(" + (text.length() - MAX_CHARS) + " more characters)";
    }
}
