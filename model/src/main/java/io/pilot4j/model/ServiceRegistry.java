package io.pilot4j.model;

/**
 * A source of services and endpoints (Istio's serviceregistry.Instance). Implementations watch their source,
 * keep an immutable {@link RegistrySnapshot}, and report changes to an {@link XdsUpdater}.
 */
public interface ServiceRegistry {
    /** "File", "Kubernetes": for debug output only; nothing downstream branches on it. */
    String provider();

    /** The current state; cheap, never blocks on I/O. */
    RegistrySnapshot snapshot();

    /** True once the initial load is complete; /ready waits for every registry. */
    boolean hasSynced();

    /**
     * What the registry is waiting for while it has not synced ("cannot reach the API server at ...: Connection
     * refused"), for /ready's message; empty once synced or when there is nothing more to say than "not synced".
     */
    default String syncStatus() {
        return "";
    }

    /**
     * Once synced, what keeps the registry from being current while it serves ("not watching namespaces: forbidden:
     * ..."), for /ready's body; empty when nothing does. Serving goes on meanwhile, so /ready stays 200.
     */
    default String degradedStatus() {
        return "";
    }
}
