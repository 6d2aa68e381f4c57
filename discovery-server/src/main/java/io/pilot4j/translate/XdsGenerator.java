package io.pilot4j.translate;

import io.pilot4j.model.PushContext;

import java.util.List;

/**
 * Builds the resources of one xDS type for one proxy (Istio's model.XdsResourceGenerator). Pure: the same
 * snapshot, view and names always give the same resources, in the same order, and nothing else is read; the cache
 * of generated resources relies on it.
 */
@FunctionalInterface
public interface XdsGenerator {
    List<XdsResource> generate(ProxyView proxy, PushContext push, ResourceNames names);
}
