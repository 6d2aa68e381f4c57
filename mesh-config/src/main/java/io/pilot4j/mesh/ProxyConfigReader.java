package io.pilot4j.mesh;

import io.pilot4j.mesh.ProxyConfig.AuthenticationPolicy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the mesh file's defaultConfig into a base ProxyConfig, as Istio does so users need not repeat the whole
 * proxy config to change one field: given fields win, omitted ones keep the base, proxyMetadata maps merge.
 */
final class ProxyConfigReader {

    /** Istio's validation accepts only these two for the control plane (INHERIT is for workloads). */
    private static final List<AuthenticationPolicy> CONTROL_PLANE_AUTH_POLICIES =
            List.of(AuthenticationPolicy.NONE, AuthenticationPolicy.MUTUAL_TLS);

    private ProxyConfigReader() {
    }

    static ProxyConfig merge(ConfigObject given, ProxyConfig base) {
        Map<String, String> metadata = new LinkedHashMap<>(base.proxyMetadata());
        metadata.putAll(given.stringMap("proxyMetadata"));
        return new ProxyConfig(
                given.string("configPath", base.configPath()),
                given.string("binaryPath", base.binaryPath()),
                given.string("serviceCluster", base.serviceCluster()),
                given.duration("drainDuration", base.drainDuration()),
                given.duration("parentShutdownDuration", base.parentShutdownDuration()),
                given.duration("terminationDrainDuration", base.terminationDrainDuration()),
                given.string("discoveryAddress", base.discoveryAddress()),
                given.int32("proxyAdminPort", base.proxyAdminPort()),
                given.enumValue("controlPlaneAuthPolicy", CONTROL_PLANE_AUTH_POLICIES, base.controlPlaneAuthPolicy()),
                given.int32("statNameLength", base.statNameLength()),
                given.int32("concurrency", base.concurrency()),
                given.int32("statusPort", base.statusPort()),
                metadata);
    }
}
