package io.pilot4j.kube.serviceentry;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.FieldPath;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.endpoints.ClusterView;
import io.pilot4j.kube.workload.Workload;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;

import java.util.List;
import java.util.Map;

/**
 * A pod as a workload a ServiceEntry's workloadSelector selects (Istio's kube controller hands pods to the
 * serviceentry controller as WorkloadInstances): its IP, its labels, service account and locality as its endpoints
 * carry them, healthy when ready. The Kubernetes registry converts only pods that some selector selects.
 */
public final class PodInstanceConversion {
    private PodInstanceConversion() {
    }

    public static Result<WorkloadInstance> convert(Pod pod, ClusterView cluster) {
        FieldErrors errors = new FieldErrors();
        Metadata.requireName(pod, errors);
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        if (ip == null || ip.isEmpty()) {
            errors.add(FieldPath.of("status").child("podIP"), "required: a pod is a workload once it has an IP");
        }
        return errors.toResult(() -> {
            Workload w = Workload.of(pod, cluster.node(Workload.nodeName(pod)).orElse(null));
            return new WorkloadInstance(ip, w.labels(), Map.of(), w.locality() == null ? Locality.NONE : w.locality(), 1,
                    w.serviceAccount(), ready(pod) ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY);
        });
    }

    private static boolean ready(Pod pod) {
        List<PodCondition> conditions = pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions();
        return conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
