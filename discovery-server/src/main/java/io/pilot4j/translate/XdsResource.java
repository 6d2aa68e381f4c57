package io.pilot4j.translate;

import com.google.protobuf.Message;

import java.util.Objects;

/** One generated resource and the name it is served under (for proxyless LDS the requested name, not a field of it). */
public record XdsResource(String name, Message resource) {
    public XdsResource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(resource, "resource");
    }
}
