package io.pilot4j.serviceregistry;

import io.pilot4j.kube.ServiceWithEndpoints;
import io.pilot4j.kube.endpoints.ServiceEndpoints;
import io.pilot4j.kube.serviceentry.WorkloadInstance;
import io.pilot4j.model.networking.TrafficRule;

import java.util.List;
import java.util.Objects;

/**
 * What one object contributes to a registry: services (Service, ServiceEntry), endpoints of a Service, a workload
 * (WorkloadEntry), or a traffic rule. Values compare by content, which is how a registry tells a change that matters from a rewrite, a status
 * update or a relist.
 */
public sealed interface Converted permits Converted.Services, Converted.Endpoints, Converted.Workload, Converted.Rule {

    /** A Kubernetes Service (one) or a ServiceEntry (one per host), with the endpoints the object itself declares. */
    record Services(List<ServiceWithEndpoints> services) implements Converted {
        public Services {
            services = List.copyOf(services);
        }
    }

    /** An EndpointSlice or Endpoints object: endpoints for a Kubernetes Service declared elsewhere. */
    record Endpoints(ServiceEndpoints endpoints) implements Converted {
    }

    /** A WorkloadEntry (or a pod that a selector selects): endpoints for the ServiceEntries of its namespace whose workloadSelector selects it. */
    record Workload(String namespace, WorkloadInstance workload) implements Converted {
        public Workload {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(workload, "workload");
        }
    }

    /**
     * A VirtualService, DestinationRule, Sidecar or Gateway, validated: what proxies depend on (spec, name, creation
     * time), not status, labels or resource versions.
     */
    record Rule(TrafficRule rule) implements Converted {
        public Rule {
            Objects.requireNonNull(rule, "rule");
        }
    }
}
