package io.pilot4j.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Istio-style logging scopes. Each scope is one logger named after it, so {@code --log_output_level ads:debug}
 * maps onto a logback logger without knowing any class names.
 */
public enum Scope {
    DEFAULT("default", "Unscoped logging messages"),
    ADS("ads", "ADS connections, requests, responses and pushes"),
    MODEL("model", "Building the push snapshot from registries"),
    MESH("mesh", "Mesh config loading and reloads"),
    FILE("file", "The --configDir registry: files, documents, rejections"),
    KUBE("kube", "The Kubernetes registry: API server connection, informers, rejected objects"),
    HTTP("http", "The HTTP server: readiness and debug endpoints");

    private final String scopeName;
    private final String description;
    private final Logger logger;

    Scope(String scopeName, String description) {
        this.scopeName = scopeName;
        this.description = description;
        this.logger = LoggerFactory.getLogger(scopeName);
    }

    public String scopeName() {
        return scopeName;
    }

    public String description() {
        return description;
    }

    public Logger logger() {
        return logger;
    }

    public static Scope byName(String name) {
        for (Scope s : values()) {
            if (s.scopeName.equals(name)) {
                return s;
            }
        }
        return null;
    }
}
