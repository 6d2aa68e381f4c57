package io.pilot4j.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one registry currently knows, immutable; the push snapshot is built from these.
 *
 * @param provider  the registry's name for debug output ("File", "Kubernetes")
 * @param services  its services
 * @param endpoints endpoints by service hostname
 * @param errors    objects it rejected, still worth showing to users
 */
public record RegistrySnapshot(String provider, List<Service> services, Map<String, List<Endpoint>> endpoints, List<ConfigError> errors) {
    public static RegistrySnapshot empty(String provider) {
        return new RegistrySnapshot(provider, List.of(), Map.of(), List.of());
    }

    public RegistrySnapshot {
        Objects.requireNonNull(provider, "provider");
        services = List.copyOf(services);
        endpoints = Map.copyOf(endpoints);
        errors = List.copyOf(errors);
    }
}
