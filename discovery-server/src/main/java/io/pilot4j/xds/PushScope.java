package io.pilot4j.xds;

import io.pilot4j.model.Kind;
import io.pilot4j.model.PushChanges;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.serviceregistry.ConfigKind;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.endpoint.EndpointGenerator;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What one push asks of the proxies that share a view: which types to push, and for endpoints, whose (Istio's
 * ProxyNeedsPush with the per-type NeedsPush checks, decided from what the snapshots differ in rather than from the
 * kinds of objects that changed).
 *
 * <p>Generators read only the services a view can see (exportTo, and the egress hosts of the proxy's Sidecar), their
 * endpoints, the rules and the mesh config; a changed kind of rule is pushed in full to the views that read it. So a
 * change to a service the view cannot see, before or after, cannot change its config and is not pushed to it; a
 * change to endpoints alone changes endpoint assignments only (and the clusters of DNS services, which carry theirs
 * inline), unless they change which service ports the proxy's own workload serves ({@link ProxyView#serviceTargets}).
 *
 * @param types     types to push, in no particular order (connections push in {@link XdsType#PUSH_ORDER})
 * @param endpoints the services whose cluster assignments changed, for an endpoint push that may send only those;
 *                  null when every assignment is to be pushed
 */
record PushScope(Set<XdsType> types, Set<String> endpoints) {
    static final PushScope NONE = new PushScope(Set.of(), Set.of());
    static final PushScope FULL = new PushScope(EnumSet.allOf(XdsType.class), null);

    PushScope {
        types = Set.copyOf(types);
        endpoints = endpoints == null ? null : Set.copyOf(endpoints);
    }

    static PushScope of(PushChanges changes, PushContext before, PushContext after, ProxyView view) {
        if (changes.mesh() || readsAny(changes.rules(), view)) {
            return FULL;
        }
        // The services the proxy's own workload serves shape its inbound (or a router's ports), seen or not.
        if (!view.addresses().isEmpty() && !view.serviceTargets(before).equals(view.serviceTargets(after))) {
            return FULL;
        }
        for (String host : changes.services()) {
            if (visible(before, host, view) || visible(after, host, view)) {
                return FULL;
            }
        }
        Set<String> endpoints = new HashSet<>();
        boolean inlineEndpoints = false;
        for (String host : changes.endpoints()) {
            Optional<Service> service = after.service(host).filter(s -> view.sees(after, s));
            if (service.isPresent()) {
                endpoints.add(host);
                inlineEndpoints |= !EndpointGenerator.servesEndpoints(service.get());
            }
        }
        if (endpoints.isEmpty()) {
            return NONE;
        }
        return new PushScope(inlineEndpoints ? EnumSet.of(XdsType.CDS, XdsType.EDS) : EnumSet.of(XdsType.EDS), endpoints);
    }

    /** Whether the view's generators read a changed kind of rule, as the kind's row says (Istio's per-kind ProxyNeedsPush). */
    private static boolean readsAny(Set<Kind> changed, ProxyView view) {
        return changed.stream().anyMatch(k -> ConfigKind.of(k).readers().readBy(view.isRouter()));
    }

    private static boolean visible(PushContext push, String host, ProxyView view) {
        // The proxy's Sidecar counts: a service its egress hosts leave out is as invisible as one not exported to it.
        return push.service(host).filter(s -> view.sees(push, s)).isPresent();
    }

    boolean isEmpty() {
        return types.isEmpty();
    }

    /** Both scopes' types; endpoints of both, or every assignment if either pushes them all. */
    PushScope merge(PushScope other) {
        if (other == null || other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        Set<XdsType> types = EnumSet.noneOf(XdsType.class);
        types.addAll(this.types);
        types.addAll(other.types);
        Set<String> endpoints = null;
        if (this.endpoints != null && other.endpoints != null) {
            endpoints = new HashSet<>(this.endpoints);
            endpoints.addAll(other.endpoints);
        }
        return new PushScope(types, endpoints);
    }
}
