package io.pilot4j.bootstrap;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.bootstrap.v3.LayeredRuntime;
import io.envoyproxy.envoy.config.bootstrap.v3.RuntimeLayer;
import io.pilot4j.kube.networking.Re2Limits;

/**
 * The runtime layers of Istio's bootstrap (envoy_bootstrap.json, "global config" then "admin"), with the values
 * config pushed to the proxy depends on. Without the first, Envoy refuses any route config holding a regex whose
 * RE2 program is larger than 100 instructions ({@code [a-z0-9-]{1,36}} already is), and every pilot-agent
 * bootstrapped Envoy allows {@link Re2Limits#MAX_PROGRAM_SIZE}, which the validation of rules counts against.
 */
public final class RuntimeLayers {
    private RuntimeLayers() {
    }

    public static LayeredRuntime istio() {
        Struct global = Struct.newBuilder()
                .putFields("overload.global_downstream_max_connections", Value.newBuilder().setStringValue("2147483647").build())
                .putFields("re2.max_program_size.error_level", Value.newBuilder().setStringValue(Integer.toString(Re2Limits.MAX_PROGRAM_SIZE)).build())
                .build();
        return LayeredRuntime.newBuilder()
                .addLayers(RuntimeLayer.newBuilder().setName("global config").setStaticLayer(global))
                .addLayers(RuntimeLayer.newBuilder().setName("admin").setAdminLayer(RuntimeLayer.AdminLayer.getDefaultInstance()))
                .build();
    }
}
