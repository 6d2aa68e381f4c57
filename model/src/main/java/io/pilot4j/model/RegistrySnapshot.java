package io.pilot4j.model;

import io.pilot4j.model.networking.TrafficRules;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one registry currently knows, immutable; the push snapshot is built from these.
 *
 * @param provider  the registry's name for debug output ("File", "Kubernetes")
 * @param services  its services
 * @param endpoints endpoints by service hostname (a {@link PersistentMap}, so that a new snapshot that changes a few
 *                  hostnames shares the rest)
 * @param errors    objects it rejected, still worth showing to users
 * @param rules     its accepted traffic rules
 */
public record RegistrySnapshot(String provider, List<Service> services, Map<String, List<Endpoint>> endpoints, List<ConfigError> errors,
                               TrafficRules rules) {
    public static RegistrySnapshot empty(String provider) {
        return new RegistrySnapshot(provider, List.of(), Map.of(), List.of(), TrafficRules.NONE);
    }

    /** A registry without traffic rules. */
    public RegistrySnapshot(String provider, List<Service> services, Map<String, List<Endpoint>> endpoints, List<ConfigError> errors) {
        this(provider, services, endpoints, errors, TrafficRules.NONE);
    }

    public RegistrySnapshot {
        Objects.requireNonNull(provider, "provider");
        services = List.copyOf(services);
        endpoints = PersistentMap.of(endpoints);
        errors = List.copyOf(errors);
        rules = rules == null ? TrafficRules.NONE : rules;
    }
}
