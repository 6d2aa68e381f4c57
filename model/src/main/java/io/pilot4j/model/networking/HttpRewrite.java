package io.pilot4j.model.networking;

import java.util.Objects;
import java.util.Optional;

/**
 * Istio's HTTPRewrite.
 *
 * @param uri             replaces the matched path prefix (or the whole path); empty for none
 * @param authority       replaces the Host/authority; empty for none
 * @param uriRegexRewrite regex rewrite of the path
 */
public record HttpRewrite(String uri, String authority, Optional<RegexRewrite> uriRegexRewrite) {
    public record RegexRewrite(String match, String rewrite) {
        public RegexRewrite {
            Objects.requireNonNull(match, "match");
            Objects.requireNonNull(rewrite, "rewrite");
        }
    }

    public HttpRewrite {
        uri = Objects.requireNonNullElse(uri, "");
        authority = Objects.requireNonNullElse(authority, "");
        Objects.requireNonNull(uriRegexRewrite, "uriRegexRewrite");
    }
}
