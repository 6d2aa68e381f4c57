package io.pilot4j.kube.serviceentry;

import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntry;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntryLocation;
import io.fabric8.istio.api.api.networking.v1alpha3.WorkloadEntry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.ServiceWithEndpoints;
import io.pilot4j.kube.workload.LocalityLabels;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.net.IpAddresses;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An Istio ServiceEntry (networking.istio.io v1, v1beta1 or v1alpha3, which share one spec) as Istio converts it
 * (pilot/pkg/serviceregistry/serviceentry/conversion.go): one service per host, all with the same ports, addresses
 * and endpoints. Validated first by {@link ServiceEntryValidation}; an invalid entry yields no service at all.
 */
public final class ServiceEntryConversion {
    private ServiceEntryConversion() {
    }

    public static Result<List<ServiceWithEndpoints>> convert(io.fabric8.istio.api.networking.v1.ServiceEntry object) {
        return convert(object, object.getSpec());
    }

    public static Result<List<ServiceWithEndpoints>> convert(io.fabric8.istio.api.networking.v1beta1.ServiceEntry object) {
        return convert(object, object.getSpec());
    }

    public static Result<List<ServiceWithEndpoints>> convert(io.fabric8.istio.api.networking.v1alpha3.ServiceEntry object) {
        return convert(object, object.getSpec());
    }

    /** For any of the versions: the object supplies metadata, {@code spec} the ServiceEntry itself. */
    public static Result<List<ServiceWithEndpoints>> convert(HasMetadata object, ServiceEntry spec) {
        FieldErrors errors = new FieldErrors();
        Metadata.requireName(object, errors);
        String namespace = Metadata.namespace(object);
        errors.addAll(ServiceEntryValidation.validate(spec, namespace));
        return errors.toResult(() -> build(spec, namespace, Metadata.labels(object)));
    }

    private static List<ServiceWithEndpoints> build(ServiceEntry spec, String namespace, Map<String, String> labels) {
        Resolution resolution = resolution(spec);
        var sePorts = listOf(spec.getPorts());
        List<ServicePort> ports = new ArrayList<>(sePorts.size());
        for (var p : sePorts) {
            ports.add(new ServicePort(p.getName(), p.getNumber().intValue(), Protocol.parse(p.getProtocol())));
        }
        List<String> addresses = new ArrayList<>();
        for (String a : listOf(spec.getAddresses())) {
            addresses.add(IpAddresses.withoutHostPrefix(a));
        }
        Set<String> exportTo = new LinkedHashSet<>(listOf(spec.getExportTo()));
        boolean meshExternal = spec.getLocation() != ServiceEntryLocation.MESH_INTERNAL;
        List<WorkloadEntry> workloads = listOf(spec.getEndpoints());
        List<WorkloadSelection.Port> selectedPorts = sePorts.stream()
                .map(p -> new WorkloadSelection.Port(p.getName(), targetPort(p))).toList();
        // A workloadSelector: the registry finds the endpoints (validation keeps it apart from spec.endpoints).
        Optional<WorkloadSelection> selection = spec.getWorkloadSelector() == null ? Optional.empty()
                : Optional.of(new WorkloadSelection(namespace, labelsOf(spec.getWorkloadSelector().getLabels()), selectedPorts));
        // Without endpoints or a selector, a DNS entry resolves its own host.
        boolean hostIsEndpoint = workloads.isEmpty() && selection.isEmpty()
                && (resolution == Resolution.DNS_LB || resolution == Resolution.DNS_ROUND_ROBIN_LB);
        List<Endpoint> workloadEndpoints = new ArrayList<>();
        workloads.forEach(w -> workloadEndpoints.addAll(WorkloadInstance.of(w).endpoints(selectedPorts)));

        List<ServiceWithEndpoints> out = new ArrayList<>();
        for (String host : spec.getHosts()) {
            Service service = new Service(host, namespace, ports, labels, addresses, resolution, meshExternal, exportTo);
            out.add(new ServiceWithEndpoints(service, hostIsEndpoint ? hostEndpoints(host, sePorts) : workloadEndpoints, selection));
        }
        return out;
    }

    private static Map<String, String> labelsOf(Map<String, String> labels) {
        return labels == null ? Map.of() : labels;
    }

    private static Resolution resolution(ServiceEntry spec) {
        if (spec.getResolution() == null) {
            return Resolution.PASSTHROUGH;
        }
        switch (spec.getResolution()) {
            case STATIC:
                return Resolution.CLIENT_SIDE_LB;
            case DNS:
                return Resolution.DNS_LB;
            case DNS_ROUND_ROBIN:
                return Resolution.DNS_ROUND_ROBIN_LB;
            case NONE:
                return Resolution.PASSTHROUGH;
            default:
                // Validation rejects the rest (DYNAMIC_DNS) before conversion.
                throw new IllegalStateException("unsupported resolution " + spec.getResolution());
        }
    }

    private static List<Endpoint> hostEndpoints(String host, List<io.fabric8.istio.api.api.networking.v1alpha3.ServicePort> ports) {
        List<Endpoint> out = new ArrayList<>(ports.size());
        for (var port : ports) {
            out.add(new Endpoint(host, targetPort(port), port.getName(), Map.of(), Locality.NONE, 1, HealthStatus.HEALTHY, ""));
        }
        return out;
    }

    private static int targetPort(io.fabric8.istio.api.api.networking.v1alpha3.ServicePort port) {
        return port.getTargetPort() != null && port.getTargetPort() > 0 ? port.getTargetPort().intValue() : port.getNumber().intValue();
    }

    /** The locality field, else Istio's locality labels, else the Kubernetes topology labels. */
    static Locality locality(String field, Map<String, String> labels) {
        if (field != null && !field.isEmpty()) {
            return Locality.parse(field);
        }
        return LocalityLabels.ofWorkload(labels).orElseGet(() -> Locality.fromLabels(labels));
    }

    private static <T> List<T> listOf(List<T> list) {
        return list == null ? List.of() : list;
    }
}
