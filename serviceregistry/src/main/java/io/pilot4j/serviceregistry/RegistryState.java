package io.pilot4j.serviceregistry;

import io.pilot4j.kube.ServiceWithEndpoints;
import io.pilot4j.kube.serviceentry.WorkloadInstance;
import io.pilot4j.kube.serviceentry.WorkloadSelection;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.Kind;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.Service;
import io.pilot4j.model.networking.TrafficRule;
import io.pilot4j.model.networking.TrafficRules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A registry's state built from the objects it applies at one moment; immutable, swapped whole.
 *
 * @param snapshot  services, endpoints and errors, for the push snapshot
 * @param configs   the objects in effect, sorted by key, for /debug/configz
 * @param objects   the objects in effect by key, to tell what a change changed
 * @param conflicts objects ignored because another one already defines them; also in the snapshot errors
 */
public record RegistryState(RegistrySnapshot snapshot, List<StoredConfig> configs, Map<ConfigKey, RegistryObject> objects,
                            List<ConfigError> conflicts) {
    public RegistryState {
        configs = List.copyOf(configs);
        objects = Map.copyOf(objects);
        conflicts = List.copyOf(conflicts);
    }

    public static RegistryState empty(String provider) {
        return new RegistryState(RegistrySnapshot.empty(provider), List.of(), Map.of(), List.of());
    }

    /**
     * Builds the state, as Istio's registries do: the first declaration of a hostname wins and later ones are
     * reported; a Kubernetes Service gets its endpoints from its EndpointSlices, or from its Endpoints object when it
     * has no slice (a cluster without slices); ServiceEntries and ExternalName Services bring their own, or, with a
     * workloadSelector, get those of the WorkloadEntries it selects (objects in precedence order, so in key order). Pure: the
     * same objects in the same order always give the same state.
     *
     * @param objects   unique by key, in precedence order
     * @param errors    objects the registry rejected before this point, kept in the snapshot
     * @param conflicts objects the registry already set aside as duplicates, kept in the snapshot
     */
    public static RegistryState assemble(String provider, Collection<RegistryObject> objects, List<ConfigError> errors,
                                         List<ConfigError> conflicts) {
        List<ConfigError> allConflicts = new ArrayList<>(conflicts);
        Map<ConfigKey, RegistryObject> byKey = new LinkedHashMap<>();
        Map<String, Service> services = new TreeMap<>();
        Map<String, RegistryObject> declaredBy = new HashMap<>();
        Map<String, List<Endpoint>> ownEndpoints = new HashMap<>();
        Map<String, WorkloadSelection> selections = new HashMap<>();
        List<Map.Entry<String, WorkloadInstance>> workloads = new ArrayList<>();
        Map<String, List<RegistryObject>> slicesByHost = new HashMap<>();
        Map<String, RegistryObject> endpointsByHost = new HashMap<>();
        List<TrafficRule> rules = new ArrayList<>();
        for (RegistryObject object : objects) {
            if (byKey.putIfAbsent(object.key(), object) != null) {
                throw new IllegalArgumentException("objects must be unique by key: " + object.key());
            }
            if (object.converted() instanceof Converted.Services declared) {
                for (ServiceWithEndpoints s : declared.services()) {
                    String host = s.service().hostname();
                    RegistryObject first = declaredBy.putIfAbsent(host, object);
                    if (first != null) {
                        allConflicts.add(conflict(object, "host " + host + " is already declared by " + first.key() + " in "
                                + first.location() + "; this declaration is ignored"));
                    } else {
                        services.put(host, s.service());
                        ownEndpoints.put(host, s.endpoints());
                        s.selection().ifPresent(selection -> selections.put(host, selection));
                    }
                }
            } else if (object.converted() instanceof Converted.Endpoints e) {
                String host = e.endpoints().hostname();
                if (object.key().kind() == Kind.ENDPOINT_SLICE) {
                    slicesByHost.computeIfAbsent(host, h -> new ArrayList<>()).add(object);
                } else {
                    endpointsByHost.put(host, object);
                }
            } else if (object.converted() instanceof Converted.Workload w) {
                workloads.add(Map.entry(w.namespace(), w.workload()));
            } else if (object.converted() instanceof Converted.Rule r) {
                rules.add(r.rule());
            }
        }

        Map<String, List<Endpoint>> endpoints = new HashMap<>();
        for (Service service : services.values()) {
            String host = service.hostname();
            boolean podBacked = declaredBy.get(host).key().kind() == Kind.SERVICE && !service.meshExternal();
            WorkloadSelection selection = selections.get(host);
            endpoints.put(host, podBacked
                    ? podEndpoints(slicesByHost.get(host), endpointsByHost.get(host))
                    : selection != null ? selection.endpoints(workloads) : ownEndpoints.get(host));
        }

        List<ConfigError> allErrors = new ArrayList<>(errors);
        allErrors.addAll(allConflicts);
        List<StoredConfig> configs = new ArrayList<>();
        for (RegistryObject o : byKey.values()) {
            configs.add(new StoredConfig(o.key(), o.source(), o.documentIndex(), o.object()));
        }
        configs.sort(Comparator.comparing(StoredConfig::key));
        RegistrySnapshot snapshot = new RegistrySnapshot(provider, new ArrayList<>(services.values()), endpoints, allErrors,
                TrafficRules.of(rules));
        return new RegistryState(snapshot, configs, byKey, allConflicts);
    }

    /**
     * Slices in name order, so that the order objects arrive in does not reorder endpoints. An address and port
     * that two slices both hold (an endpoint moving between slices) counts once, as in Istio's endpointSliceCache.
     */
    private static List<Endpoint> podEndpoints(List<RegistryObject> slices, RegistryObject endpointsObject) {
        if (slices != null) {
            List<RegistryObject> sorted = new ArrayList<>(slices);
            sorted.sort(Comparator.comparing(RegistryObject::key));
            Map<String, Endpoint> unique = new LinkedHashMap<>();
            for (RegistryObject slice : sorted) {
                for (Endpoint e : endpointsOf(slice)) {
                    unique.putIfAbsent(e.address() + "|" + e.servicePortName(), e);
                }
            }
            return new ArrayList<>(unique.values());
        }
        return endpointsObject == null ? List.of() : endpointsOf(endpointsObject);
    }

    private static List<Endpoint> endpointsOf(RegistryObject object) {
        return ((Converted.Endpoints) object.converted()).endpoints().endpoints();
    }

    private static ConfigError conflict(RegistryObject ignored, String message) {
        ConfigKey key = ignored.key();
        return new ConfigError(ignored.source(), ignored.documentIndex(), key.kind().kubeKind(), key.namespace(), key.name(), message);
    }
}
