package io.pilot4j.model.networking;

import java.util.Objects;

/**
 * Istio's HTTPRedirect: answer with a redirect instead of forwarding.
 *
 * @param uri          new path; empty keeps it
 * @param authority    new host; empty keeps it
 * @param port         new port, 0 to keep it
 * @param derivePort   FROM_PROTOCOL_DEFAULT (Envoy's default port for the scheme) or FROM_REQUEST_PORT; empty when not given
 * @param scheme       new scheme; empty keeps it
 * @param redirectCode 301 when not given, else 302, 303, 307 or 308
 */
public record HttpRedirect(String uri, String authority, int port, String derivePort, String scheme, int redirectCode) {
    public HttpRedirect {
        uri = Objects.requireNonNullElse(uri, "");
        authority = Objects.requireNonNullElse(authority, "");
        derivePort = Objects.requireNonNullElse(derivePort, "");
        scheme = Objects.requireNonNullElse(scheme, "");
    }
}
