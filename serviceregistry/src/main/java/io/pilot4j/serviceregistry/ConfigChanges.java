package io.pilot4j.serviceregistry;

import io.pilot4j.model.PushRequest;
import io.pilot4j.model.TriggerReason;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** Decides what a change to a registry's objects asks of the pusher, as Istio's registries do. */
public final class ConfigChanges {
    private ConfigChanges() {
    }

    /**
     * Nothing when no object changed in what it contributes, and nothing was newly rejected or fixed. A service added,
     * removed or changed, or a kind of rule changed: a full push. Endpoints alone (an EndpointSlice, a workload, a
     * ServiceEntry whose service stayed the same, as Istio's serviceentry controller decides): an EDS push for those
     * hostnames, except for headless services, whose listeners depend on their endpoints (Istio pushes those in full
     * too). A rejection alone (a bad file keeps its last good content) changes nothing served, but the push's snapshot
     * is where rejections are counted (pilot_total_rejected_configs): a full push that sends nothing to proxies.
     */
    public static Optional<PushRequest> pushRequest(RegistryStore.Delta delta, Instant now) {
        if (!delta.services().isEmpty()) {
            return Optional.of(PushRequest.full(TriggerReason.SERVICE, delta.keys(), now));
        }
        if (!delta.rules().isEmpty()) {
            return Optional.of(PushRequest.full(TriggerReason.CONFIG, delta.keys(), now));
        }
        if (!delta.endpoints().isEmpty()) {
            return Optional.of(delta.headless() ? PushRequest.full(TriggerReason.ENDPOINT, delta.keys(), now)
                    : PushRequest.endpoints(delta.keys(), delta.endpoints(), now));
        }
        if (!delta.keys().isEmpty()) {
            // Changed objects that change no service, endpoint or rule (a slice of a service nobody declares): an EDS
            // push that finds nothing to send, so the change is still counted and logged.
            return Optional.of(PushRequest.endpoints(delta.keys(), Set.of(), now));
        }
        return delta.errorsChanged() ? Optional.of(PushRequest.full(TriggerReason.CONFIG, Set.of(), now)) : Optional.empty();
    }
}
