package io.pilot4j.serviceregistry;

import com.fasterxml.jackson.databind.JsonNode;
import io.pilot4j.kube.ServiceWithEndpoints;
import io.pilot4j.kube.endpoints.ServiceEndpoints;

import java.util.List;
import java.util.Objects;

/**
 * What one object contributes to a registry: services (Service, ServiceEntry), endpoints of a Service, or a traffic
 * rule. Values compare by content, which is how a registry tells a change that matters from a rewrite, a status
 * update or a relist.
 */
public sealed interface Converted permits Converted.Services, Converted.Endpoints, Converted.Rule {

    /** A Kubernetes Service (one) or a ServiceEntry (one per host), with the endpoints the object itself declares. */
    record Services(List<ServiceWithEndpoints> services) implements Converted {
        public Services {
            services = List.copyOf(services);
        }
    }

    /** An EndpointSlice or Endpoints object: endpoints for a Kubernetes Service declared elsewhere. */
    record Endpoints(ServiceEndpoints endpoints) implements Converted {
    }

    /**
     * A VirtualService, DestinationRule, Sidecar or Gateway. The model has no traffic rules yet, so the rule is held
     * as written; {@code content} is what proxies will depend on (spec, labels, annotations), not status or versions.
     */
    record Rule(JsonNode content) implements Converted {
        public Rule {
            Objects.requireNonNull(content, "content");
        }
    }
}
