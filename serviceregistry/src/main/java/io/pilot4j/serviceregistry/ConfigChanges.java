package io.pilot4j.serviceregistry;

import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.TriggerReason;

import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Decides what a change of a registry's state asks of the pusher, as Istio's registries do. */
public final class ConfigChanges {
    private ConfigChanges() {
    }

    /**
     * Objects added, removed or changed in what they contribute. An object only moved to another file, rewritten
     * with the same content, relisted after a reconnect or given a new status is unchanged; an EndpointSlice whose
     * pods changed labels is changed, though the slice itself is not.
     */
    public static Set<ConfigKey> changedKeys(RegistryState before, RegistryState after) {
        Set<ConfigKey> keys = new HashSet<>(before.objects().keySet());
        keys.addAll(after.objects().keySet());
        Set<ConfigKey> changed = new TreeSet<>();
        for (ConfigKey key : keys) {
            if (!Objects.equals(contribution(before.objects().get(key)), contribution(after.objects().get(key)))) {
                changed.add(key);
            }
        }
        return changed;
    }

    /** What an object adds to the model; a slice without endpoints (yet) adds as little as no slice at all. */
    private static Converted contribution(RegistryObject object) {
        if (object == null || object.converted() instanceof Converted.Endpoints e && e.endpoints().endpoints().isEmpty()) {
            return null;
        }
        return object.converted();
    }

    /**
     * Nothing when no object changed, and nothing was newly rejected or fixed. Endpoints only: an EDS push, except for
     * headless services, whose listeners depend on their endpoints (Istio pushes those in full too). Otherwise a full
     * push. A rejection alone (a bad file keeps its last good content) changes nothing served, but the push's snapshot
     * is where rejections are counted (pilot_total_rejected_configs): it sends nothing to proxies.
     */
    public static Optional<PushRequest> pushRequest(RegistryState before, RegistryState after, Instant now) {
        Set<ConfigKey> changed = changedKeys(before, after);
        if (changed.isEmpty()) {
            return before.snapshot().errors().equals(after.snapshot().errors()) ? Optional.empty()
                    : Optional.of(PushRequest.full(TriggerReason.CONFIG, Set.of(), now));
        }
        boolean endpointsOnly = true;
        boolean services = false;
        boolean headless = false;
        for (ConfigKey key : changed) {
            ConfigKind.Role role = ConfigKind.of(key.kind()).role();
            if (role == ConfigKind.Role.ENDPOINTS) {
                headless |= feedsHeadless(before, key) || feedsHeadless(after, key);
            } else if (role != ConfigKind.Role.WORKLOADS) {
                endpointsOnly = false;
                services |= role == ConfigKind.Role.SERVICES;
            }
        }
        if (endpointsOnly) {
            return Optional.of(headless ? PushRequest.full(TriggerReason.ENDPOINT, changed, now) : PushRequest.endpoints(changed, now));
        }
        return Optional.of(PushRequest.full(services ? TriggerReason.SERVICE : TriggerReason.CONFIG, changed, now));
    }

    private static boolean feedsHeadless(RegistryState state, ConfigKey key) {
        RegistryObject object = state.objects().get(key);
        if (object == null || !(object.converted() instanceof Converted.Endpoints e)) {
            return false;
        }
        String host = e.endpoints().hostname();
        for (Service s : state.snapshot().services()) {
            if (s.hostname().equals(host)) {
                return s.resolution() == Resolution.PASSTHROUGH;
            }
        }
        return false;
    }
}
