package io.pilot4j.kube;

/** The cluster DNS name of a Kubernetes Service, as Istio builds it (kube.ServiceHostname). */
public final class ServiceHostname {
    private ServiceHostname() {
    }

    /** {@code name.namespace.svc.<domainSuffix>}, e.g. reviews.default.svc.cluster.local. */
    public static String of(String name, String namespace, String domainSuffix) {
        return name + "." + namespace + ".svc." + domainSuffix;
    }
}
