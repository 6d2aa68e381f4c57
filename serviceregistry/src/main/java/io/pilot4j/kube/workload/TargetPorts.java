package io.pilot4j.kube.workload;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The port a Service port's {@code targetPort} means on one pod (Istio's FindPort, kube controller util.go): a number
 * is itself; a name is the pod's container port of that name and the same transport protocol, which may differ from
 * pod to pod; none means the Service port's own number, as Kubernetes defaults it.
 */
public final class TargetPorts {
    private TargetPorts() {
    }

    /** Empty when the target is a name the pod declares no such port for. */
    public static OptionalInt resolve(ServicePort servicePort, Pod pod) {
        IntOrString target = servicePort.getTargetPort();
        if (target == null || (target.getIntVal() == null && (target.getStrVal() == null || target.getStrVal().isEmpty()))) {
            return servicePort.getPort() == null ? OptionalInt.empty() : OptionalInt.of(servicePort.getPort());
        }
        if (target.getIntVal() != null) {
            return OptionalInt.of(target.getIntVal());
        }
        String protocol = protocolOrTcp(servicePort.getProtocol());
        for (Container container : containers(pod)) {
            for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
                if (target.getStrVal().equals(port.getName()) && protocol.equals(protocolOrTcp(port.getProtocol()))
                        && port.getContainerPort() != null) {
                    return OptionalInt.of(port.getContainerPort());
                }
            }
        }
        return OptionalInt.empty();
    }

    /** App containers, then native sidecars (init containers that keep running), the order Kubernetes resolves in. */
    private static List<Container> containers(Pod pod) {
        List<Container> out = new ArrayList<>();
        if (pod == null || pod.getSpec() == null) {
            return out;
        }
        if (pod.getSpec().getContainers() != null) {
            out.addAll(pod.getSpec().getContainers());
        }
        if (pod.getSpec().getInitContainers() != null) {
            for (Container c : pod.getSpec().getInitContainers()) {
                if ("Always".equals(c.getRestartPolicy())) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    private static String protocolOrTcp(String protocol) {
        return protocol == null || protocol.isEmpty() ? "TCP" : protocol;
    }
}
