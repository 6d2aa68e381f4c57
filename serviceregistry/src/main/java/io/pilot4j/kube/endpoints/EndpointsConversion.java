package io.pilot4j.kube.endpoints;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.FieldPath;
import io.pilot4j.net.IpAddresses;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.ServiceHostname;
import io.pilot4j.kube.workload.Workload;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * A legacy {@code v1 Endpoints} object, named after its Service. Ready addresses are healthy, notReadyAddresses are
 * not; every address of a subset serves every port of that subset. Only used for a Service that has no
 * EndpointSlice, as a cluster without the EndpointSlice API would.
 */
public final class EndpointsConversion {
    private static final FieldPath SUBSETS = FieldPath.of("subsets");

    private EndpointsConversion() {
    }

    /** The object as written, with nothing known about pods or nodes: what a file gives. */
    public static Result<ServiceEndpoints> convert(Endpoints object, String domainSuffix) {
        return convert(object, domainSuffix, ClusterView.NONE);
    }

    /** With pods and nodes known, addresses get their pod's labels, service account and locality, as slices do. */
    public static Result<ServiceEndpoints> convert(Endpoints object, String domainSuffix, ClusterView view) {
        FieldErrors errors = new FieldErrors();
        Metadata.requireName(object, errors);
        List<EndpointSubset> subsets = object.getSubsets() == null ? List.of() : object.getSubsets();
        for (int s = 0; s < subsets.size(); s++) {
            FieldPath subset = SUBSETS.index(s);
            List<EndpointPort> ports = listOf(subsets.get(s).getPorts());
            for (int p = 0; p < ports.size(); p++) {
                if (ports.get(p).getPort() == null) {
                    errors.required(subset.child("ports").index(p).child("port"));
                } else {
                    errors.checkPort(subset.child("ports").index(p).child("port"), ports.get(p).getPort());
                }
            }
            checkAddresses(subset.child("addresses"), listOf(subsets.get(s).getAddresses()), errors);
            checkAddresses(subset.child("notReadyAddresses"), listOf(subsets.get(s).getNotReadyAddresses()), errors);
        }

        return errors.toResult(() -> {
            String name = Metadata.name(object);
            String namespace = Metadata.namespace(object);
            List<Endpoint> out = new ArrayList<>();
            for (EndpointSubset subset : subsets) {
                List<EndpointPort> ports = listOf(subset.getPorts());
                addEndpoints(out, view, namespace, listOf(subset.getAddresses()), ports, HealthStatus.HEALTHY);
                addEndpoints(out, view, namespace, listOf(subset.getNotReadyAddresses()), ports, HealthStatus.UNHEALTHY);
            }
            return new ServiceEndpoints(namespace, name, ServiceHostname.of(name, namespace, domainSuffix), out);
        });
    }

    private static void checkAddresses(FieldPath path, List<EndpointAddress> addresses, FieldErrors errors) {
        for (int a = 0; a < addresses.size(); a++) {
            String ip = addresses.get(a).getIp();
            if (ip == null || ip.isEmpty()) {
                errors.required(path.index(a).child("ip"));
            } else if (!IpAddresses.isIp(ip)) {
                errors.add(path.index(a).child("ip"), "\"" + ip + "\" is not a valid IP address");
            }
        }
    }

    private static void addEndpoints(List<Endpoint> out, ClusterView view, String namespace, List<EndpointAddress> addresses,
                                     List<EndpointPort> ports, HealthStatus health) {
        for (EndpointAddress address : addresses) {
            var resolved = EndpointWorkloads.resolve(view, namespace, address.getIp(), address.getTargetRef(), address.getNodeName(), "");
            if (resolved.isEmpty()) {
                continue;
            }
            Workload w = resolved.get().workload();
            for (EndpointPort port : ports) {
                String portName = port.getName() == null ? "" : port.getName();
                out.add(new Endpoint(address.getIp(), port.getPort(), portName, w.labels(), w.locality(), 1, health, w.serviceAccount()));
            }
        }
    }

    private static <T> List<T> listOf(List<T> list) {
        return list == null ? List.of() : list;
    }
}
