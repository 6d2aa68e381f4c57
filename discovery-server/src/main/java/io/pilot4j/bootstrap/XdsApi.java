package io.pilot4j.bootstrap;

import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;

/** How Envoy talks ADS to the discovery server: state of the world or incremental (delta). */
public enum XdsApi {
    GRPC(ApiConfigSource.ApiType.GRPC),
    DELTA(ApiConfigSource.ApiType.DELTA_GRPC);

    private final ApiConfigSource.ApiType apiType;

    XdsApi(ApiConfigSource.ApiType apiType) {
        this.apiType = apiType;
    }

    public ApiConfigSource.ApiType apiType() {
        return apiType;
    }
}
