package io.pilot4j.kube.endpoints;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;

import java.util.Optional;

/**
 * What the cluster knows beyond an endpoint object: the pods behind its addresses, the nodes they run on, and the
 * Service whose target ports an endpoint port may leave to the consumer. The live registry answers from its informer
 * caches; a file has none of it ({@link #NONE}).
 */
public interface ClusterView {
    /** Nothing known: endpoints are taken as written, as the file registry does. */
    ClusterView NONE = new ClusterView() {
        @Override
        public boolean knowsPods() {
            return false;
        }

        @Override
        public Optional<Pod> pod(String namespace, String address, ObjectReference targetRef) {
            return Optional.empty();
        }

        @Override
        public Optional<Node> node(String name) {
            return Optional.empty();
        }

        @Override
        public Optional<Service> service(String namespace, String name) {
            return Optional.empty();
        }
    };

    /**
     * True when pods are watched. Then an endpoint whose targetRef names a pod the view does not have yet is held
     * back until the pod arrives, as Istio does, rather than sent without labels or identity.
     */
    boolean knowsPods();

    /** The pod a targetRef names, else (for endpoints managed by hand) a pod with that IP in the namespace. */
    Optional<Pod> pod(String namespace, String address, ObjectReference targetRef);

    Optional<Node> node(String name);

    Optional<Service> service(String namespace, String name);
}
