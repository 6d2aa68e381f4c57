package io.pilot4j.mesh;

import java.util.List;

/** Istio's LocalityLoadBalancerSetting as given: omitted lists are empty, an omitted "enabled" means on. */
final class LocalityLbSettingReader {

    private LocalityLbSettingReader() {
    }

    static LocalityLbSetting read(ConfigObject setting) {
        return new LocalityLbSetting(
                // A BoolValue left unset: Istio treats only an explicit false as off.
                setting.bool("enabled", true),
                setting.objectList("distribute", IstioFields.DISTRIBUTE).stream()
                        .map(d -> new LocalityLbSetting.Distribute(d.string("from", ""), d.uint32Map("to")))
                        .toList(),
                setting.objectList("failover", IstioFields.FAILOVER).stream()
                        .map(f -> new LocalityLbSetting.Failover(f.string("from", ""), f.string("to", "")))
                        .toList(),
                setting.stringList("failoverPriority", List.of()));
    }
}
