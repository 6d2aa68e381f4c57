package io.pilot4j.model;

/**
 * Where registries report changes (Istio's model.XDSUpdater). Implementations debounce and push;
 * registries never call generators or connections directly.
 */
@FunctionalInterface
public interface XdsUpdater {
    void configUpdate(PushRequest request);
}
