package io.pilot4j.serviceregistry.file;

import io.pilot4j.kube.ServiceWithEndpoints;
import io.pilot4j.kube.endpoints.ServiceEndpoints;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.Kind;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.Service;
import io.pilot4j.serviceregistry.StoredConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the registry's state from its files, taken in path order: the first definition of an object, and the first
 * declaration of a hostname, wins; later ones are reported. A Kubernetes Service gets its endpoints from its
 * EndpointSlices, or from its Endpoints object when it has no slice (a cluster without slices); ServiceEntries and
 * ExternalName Services bring their own. Pure: the same files always give the same state, in the same order.
 */
final class SnapshotAssembler {
    private SnapshotAssembler() {
    }

    static Assembly assemble(String provider, Collection<ConfigFile> filesInPathOrder) {
        List<ConfigError> errors = new ArrayList<>();
        List<ConfigError> conflicts = new ArrayList<>();
        Map<ConfigKey, FileObject> objects = new LinkedHashMap<>();
        for (ConfigFile file : filesInPathOrder) {
            errors.addAll(file.errors());
            for (FileObject object : file.objects()) {
                FileObject first = objects.putIfAbsent(object.key(), object);
                if (first != null) {
                    conflicts.add(conflict(object, "already defined in " + first.location()
                            + ", which comes first by path and wins; this definition is ignored"));
                }
            }
        }

        Map<String, Service> services = new TreeMap<>();
        Map<String, FileObject> declaredBy = new HashMap<>();
        Map<String, List<Endpoint>> ownEndpoints = new HashMap<>();
        Map<String, List<FileObject>> slicesByHost = new HashMap<>();
        Map<String, FileObject> endpointsByHost = new HashMap<>();
        for (FileObject object : objects.values()) {
            if (object.converted() instanceof Converted.Services declared) {
                for (ServiceWithEndpoints s : declared.services()) {
                    String host = s.service().hostname();
                    FileObject first = declaredBy.putIfAbsent(host, object);
                    if (first != null) {
                        conflicts.add(conflict(object, "host " + host + " is already declared by " + first.key() + " in "
                                + first.location() + "; this declaration is ignored"));
                    } else {
                        services.put(host, s.service());
                        ownEndpoints.put(host, s.endpoints());
                    }
                }
            } else if (object.converted() instanceof Converted.Endpoints e) {
                String host = e.endpoints().hostname();
                if (object.key().kind() == Kind.ENDPOINT_SLICE) {
                    slicesByHost.computeIfAbsent(host, h -> new ArrayList<>()).add(object);
                } else {
                    endpointsByHost.put(host, object);
                }
            }
        }

        Map<String, List<Endpoint>> endpoints = new HashMap<>();
        for (Service service : services.values()) {
            String host = service.hostname();
            boolean podBacked = declaredBy.get(host).key().kind() == Kind.SERVICE && !service.meshExternal();
            endpoints.put(host, podBacked
                    ? podEndpoints(slicesByHost.get(host), endpointsByHost.get(host))
                    : ownEndpoints.get(host));
        }

        List<ConfigError> allErrors = new ArrayList<>(errors);
        allErrors.addAll(conflicts);
        List<StoredConfig> configs = new ArrayList<>();
        for (FileObject o : objects.values()) {
            configs.add(new StoredConfig(o.key(), o.source(), o.documentIndex(), o.object()));
        }
        configs.sort(Comparator.comparing(StoredConfig::key));
        RegistrySnapshot snapshot = new RegistrySnapshot(provider, new ArrayList<>(services.values()), endpoints, allErrors);
        return new Assembly(snapshot, configs, objects, conflicts);
    }

    /** Slices in name order, so that moving a slice to another file does not reorder endpoints. */
    private static List<Endpoint> podEndpoints(List<FileObject> slices, FileObject endpointsObject) {
        if (slices != null) {
            List<FileObject> sorted = new ArrayList<>(slices);
            sorted.sort(Comparator.comparing(FileObject::key));
            List<Endpoint> out = new ArrayList<>();
            for (FileObject slice : sorted) {
                out.addAll(endpointsOf(slice).endpoints());
            }
            return out;
        }
        return endpointsObject == null ? List.of() : endpointsOf(endpointsObject).endpoints();
    }

    private static ServiceEndpoints endpointsOf(FileObject object) {
        return ((Converted.Endpoints) object.converted()).endpoints();
    }

    private static ConfigError conflict(FileObject ignored, String message) {
        ConfigKey key = ignored.key();
        return new ConfigError(ignored.source(), ignored.documentIndex(), key.kind().kubeKind(), key.namespace(), key.name(), message);
    }
}
