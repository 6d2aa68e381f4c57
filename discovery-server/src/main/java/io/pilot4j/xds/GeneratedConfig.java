package io.pilot4j.xds;

import io.pilot4j.model.Proxy;
import io.pilot4j.translate.XdsResource;

import java.util.List;
import java.util.Map;

/**
 * What the current push snapshot generates for a connected proxy under its current subscriptions:
 * the content of /debug/config_dump.
 *
 * @param resources by type URL, in push order
 */
public record GeneratedConfig(Proxy proxy, String pushVersion, Map<String, List<XdsResource>> resources) {
}
