package io.pilot4j.serviceregistry.file;

import io.pilot4j.kube.ServiceWithEndpoints;
import io.pilot4j.kube.endpoints.ServiceEndpoints;

import java.util.List;

/** What one object contributes to the registry: services (Service, ServiceEntry) or endpoints of a Service. */
sealed interface Converted permits Converted.Services, Converted.Endpoints {

    /** A Kubernetes Service (one) or a ServiceEntry (one per host), with the endpoints the object itself declares. */
    record Services(List<ServiceWithEndpoints> services) implements Converted {
        public Services {
            services = List.copyOf(services);
        }
    }

    /** An EndpointSlice or Endpoints object: endpoints for a Kubernetes Service declared elsewhere. */
    record Endpoints(ServiceEndpoints endpoints) implements Converted {
    }
}
