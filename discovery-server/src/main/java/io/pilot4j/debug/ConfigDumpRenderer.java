package io.pilot4j.debug;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.EndpointsConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.pilot4j.translate.PackedTypes;
import io.pilot4j.translate.XdsResource;
import io.pilot4j.xds.GeneratedConfig;

import java.time.Instant;
import java.util.List;

/**
 * Renders a proxy's generated resources in the shape of Envoy's own /config_dump, so the same tools
 * (istioctl proxy-config style scripts, jq recipes) work on both.
 */
final class ConfigDumpRenderer {
    // Proto field names (dynamic_active_clusters), as Envoy's admin API and Istio's debug endpoint print them.
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
            .preservingProtoFieldNames()
            .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder()
                    // Adding a message also adds every type of its .proto file and of the files it imports:
                    // the dump types bring clusters, listeners, routes and endpoints along.
                    .add(ConfigDump.getDescriptor())
                    .add(PackedTypes.descriptors())
                    .build());

    private ConfigDumpRenderer() {
    }

    static ConfigDump dump(GeneratedConfig config, Instant now) {
        Timestamp at = Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
        String version = config.pushVersion();
        ConfigDump.Builder dump = ConfigDump.newBuilder();

        ClustersConfigDump.Builder clusters = ClustersConfigDump.newBuilder().setVersionInfo(version);
        for (XdsResource r : resources(config, Resources.V3.CLUSTER_TYPE_URL)) {
            clusters.addDynamicActiveClusters(ClustersConfigDump.DynamicCluster.newBuilder()
                    .setVersionInfo(version).setCluster(Any.pack(r.resource())).setLastUpdated(at));
        }
        dump.addConfigs(Any.pack(clusters.build()));

        ListenersConfigDump.Builder listeners = ListenersConfigDump.newBuilder().setVersionInfo(version);
        for (XdsResource r : resources(config, Resources.V3.LISTENER_TYPE_URL)) {
            listeners.addDynamicListeners(ListenersConfigDump.DynamicListener.newBuilder()
                    .setName(r.name())
                    .setActiveState(ListenersConfigDump.DynamicListenerState.newBuilder()
                            .setVersionInfo(version).setListener(Any.pack(r.resource())).setLastUpdated(at)));
        }
        dump.addConfigs(Any.pack(listeners.build()));

        RoutesConfigDump.Builder routes = RoutesConfigDump.newBuilder();
        for (XdsResource r : resources(config, Resources.V3.ROUTE_TYPE_URL)) {
            routes.addDynamicRouteConfigs(RoutesConfigDump.DynamicRouteConfig.newBuilder()
                    .setVersionInfo(version).setRouteConfig(Any.pack(r.resource())).setLastUpdated(at));
        }
        dump.addConfigs(Any.pack(routes.build()));

        EndpointsConfigDump.Builder endpoints = EndpointsConfigDump.newBuilder();
        for (XdsResource r : resources(config, Resources.V3.ENDPOINT_TYPE_URL)) {
            endpoints.addDynamicEndpointConfigs(EndpointsConfigDump.DynamicEndpointConfig.newBuilder()
                    .setVersionInfo(version).setEndpointConfig(Any.pack(r.resource())).setLastUpdated(at));
        }
        dump.addConfigs(Any.pack(endpoints.build()));
        return dump.build();
    }

    static String json(ConfigDump dump) {
        try {
            return PRINTER.print(dump);
        } catch (InvalidProtocolBufferException e) {
            // Only an Any of a type missing from the registry gets here: a bug in this class, not bad input.
            throw new IllegalStateException("config_dump holds a type the JSON printer does not know: " + e.getMessage(), e);
        }
    }

    private static List<XdsResource> resources(GeneratedConfig config, String typeUrl) {
        return config.resources().getOrDefault(typeUrl, List.of());
    }
}
