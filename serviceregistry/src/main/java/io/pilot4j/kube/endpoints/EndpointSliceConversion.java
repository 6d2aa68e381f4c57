package io.pilot4j.kube.endpoints;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.FieldPath;
import io.pilot4j.net.IpAddresses;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.ServiceHostname;
import io.pilot4j.kube.workload.TargetPorts;
import io.pilot4j.kube.workload.Workload;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * A {@code discovery.k8s.io/v1 EndpointSlice} as Istio reads it (kube/controller/endpointslice.go): the Service
 * comes from the {@code kubernetes.io/service-name} label, and every address of every endpoint serves every port
 * of the slice. With a {@link ClusterView}, each address also gets its pod's labels, service account and locality
 * (an address whose pod has not arrived yet waits for it), and a slice port without a number, which the API leaves
 * to the consumer, gets the Service's target port on that pod.
 */
public final class EndpointSliceConversion {
    /** The label Kubernetes sets on a slice to name the Service it belongs to. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private static final FieldPath ADDRESS_TYPE = FieldPath.of("addressType");
    private static final FieldPath PORTS = FieldPath.of("ports");
    private static final FieldPath ENDPOINTS = FieldPath.of("endpoints");

    private EndpointSliceConversion() {
    }

    /** The slice as written, with nothing known about pods, nodes or Services: what a file gives. */
    public static Result<ServiceEndpoints> convert(EndpointSlice slice, String domainSuffix) {
        return convert(slice, domainSuffix, ClusterView.NONE);
    }

    public static Result<ServiceEndpoints> convert(EndpointSlice slice, String domainSuffix, ClusterView view) {
        FieldErrors errors = new FieldErrors();
        Metadata.requireName(slice, errors);
        String namespace = Metadata.namespace(slice);
        String serviceName = Metadata.labels(slice).getOrDefault(SERVICE_NAME_LABEL, "");
        if (serviceName.isEmpty()) {
            errors.required(FieldPath.of("metadata", "labels").key(SERVICE_NAME_LABEL));
        }
        Predicate<String> validAddress = addressCheck(slice.getAddressType(), errors);
        Optional<Service> service = serviceName.isEmpty() ? Optional.empty() : view.service(namespace, serviceName);

        List<EndpointPort> ports = slice.getPorts() == null ? List.of() : slice.getPorts();
        for (int i = 0; i < ports.size(); i++) {
            Integer port = ports.get(i).getPort();
            String name = ports.get(i).getName();
            if (port == null) {
                // Kubernetes allows it ("interpreted by the consumer"): the Service's targetPort says which port.
                if (service.flatMap(s -> servicePort(s, name)).isEmpty()) {
                    errors.add(PORTS.index(i).child("port"), "required (no Service port named \""
                            + nullToEmpty(name) + "\" to take the target port from)");
                }
            } else {
                errors.checkPort(PORTS.index(i).child("port"), port);
            }
        }
        var endpoints = slice.getEndpoints() == null ? List.<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint>of() : slice.getEndpoints();
        for (int e = 0; e < endpoints.size(); e++) {
            List<String> addresses = endpoints.get(e).getAddresses() == null ? List.of() : endpoints.get(e).getAddresses();
            for (int a = 0; a < addresses.size(); a++) {
                if (validAddress != null && !validAddress.test(addresses.get(a))) {
                    errors.add(ENDPOINTS.index(e).child("addresses").index(a),
                            "\"" + addresses.get(a) + "\" is not an " + slice.getAddressType() + " address");
                }
            }
        }

        return errors.toResult(() -> {
            List<Endpoint> out = new ArrayList<>();
            for (var endpoint : endpoints) {
                HealthStatus health = EndpointHealth.of(endpoint.getConditions());
                for (String address : endpoint.getAddresses() == null ? List.<String>of() : endpoint.getAddresses()) {
                    var resolved = EndpointWorkloads.resolve(view, namespace, address, endpoint.getTargetRef(),
                            endpoint.getNodeName(), endpoint.getZone());
                    if (resolved.isEmpty()) {
                        continue;
                    }
                    Workload w = resolved.get().workload();
                    for (EndpointPort port : ports) {
                        String portName = nullToEmpty(port.getName());
                        OptionalInt number = port.getPort() != null ? OptionalInt.of(port.getPort())
                                : TargetPorts.resolve(servicePort(service.orElseThrow(), port.getName()).orElseThrow(), resolved.get().pod());
                        if (number.isPresent()) {
                            out.add(new Endpoint(address, number.getAsInt(), portName, w.labels(), w.locality(), 1, health, w.serviceAccount()));
                        }
                    }
                }
            }
            return new ServiceEndpoints(namespace, serviceName, ServiceHostname.of(serviceName, namespace, domainSuffix), out);
        });
    }

    /** The Service port a slice port stands for: the one of the same name (Kubernetes copies it). */
    private static Optional<ServicePort> servicePort(Service service, String name) {
        if (service.getSpec() == null || service.getSpec().getPorts() == null) {
            return Optional.empty();
        }
        for (ServicePort p : service.getSpec().getPorts()) {
            if (nullToEmpty(p.getName()).equals(nullToEmpty(name))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The address check for the slice's type, or null (after reporting why) when the type itself is unusable. */
    private static Predicate<String> addressCheck(String addressType, FieldErrors errors) {
        if (addressType == null || addressType.isEmpty()) {
            errors.required(ADDRESS_TYPE);
            return null;
        }
        switch (addressType) {
            case "IPv4":
                return IpAddresses::isIPv4;
            case "IPv6":
                return IpAddresses::isIPv6;
            case "FQDN":
                errors.add(ADDRESS_TYPE, "FQDN is not supported (as in Istio); use IPv4 or IPv6");
                return null;
            default:
                errors.add(ADDRESS_TYPE, "unsupported value \"" + addressType + "\": want IPv4 or IPv6");
                return null;
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
