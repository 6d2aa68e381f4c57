package io.pilot4j.kube.endpoints;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.FieldPath;
import io.pilot4j.kube.IpAddresses;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.ServiceHostname;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A {@code discovery.k8s.io/v1 EndpointSlice} as Istio reads it (kube/controller/endpointslice.go): the Service
 * comes from the {@code kubernetes.io/service-name} label, and every address of every endpoint serves every port
 * of the slice.
 */
public final class EndpointSliceConversion {
    /** The label Kubernetes sets on a slice to name the Service it belongs to. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private static final FieldPath ADDRESS_TYPE = FieldPath.of("addressType");
    private static final FieldPath PORTS = FieldPath.of("ports");
    private static final FieldPath ENDPOINTS = FieldPath.of("endpoints");

    private EndpointSliceConversion() {
    }

    public static Result<ServiceEndpoints> convert(EndpointSlice slice, String domainSuffix) {
        FieldErrors errors = new FieldErrors();
        Metadata.requireName(slice, errors);
        String serviceName = Metadata.labels(slice).getOrDefault(SERVICE_NAME_LABEL, "");
        if (serviceName.isEmpty()) {
            errors.required(FieldPath.of("metadata", "labels").key(SERVICE_NAME_LABEL));
        }
        Predicate<String> validAddress = addressCheck(slice.getAddressType(), errors);

        List<EndpointPort> ports = slice.getPorts() == null ? List.of() : slice.getPorts();
        for (int i = 0; i < ports.size(); i++) {
            Integer port = ports.get(i).getPort();
            if (port == null) {
                // Kubernetes allows it ("all ports"), but a proxy needs a port to connect to.
                errors.required(PORTS.index(i).child("port"));
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
            String namespace = Metadata.namespace(slice);
            List<Endpoint> out = new ArrayList<>();
            for (var endpoint : endpoints) {
                HealthStatus health = EndpointHealth.of(endpoint.getConditions());
                // Only the zone is on the slice; the region would come from the node, which a file does not have.
                Locality locality = new Locality("", endpoint.getZone(), "");
                for (String address : endpoint.getAddresses() == null ? List.<String>of() : endpoint.getAddresses()) {
                    for (EndpointPort port : ports) {
                        String portName = port.getName() == null ? "" : port.getName();
                        out.add(new Endpoint(address, port.getPort(), portName, Map.of(), locality, 1, health, ""));
                    }
                }
            }
            return new ServiceEndpoints(namespace, serviceName, ServiceHostname.of(serviceName, namespace, domainSuffix), out);
        });
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
}
