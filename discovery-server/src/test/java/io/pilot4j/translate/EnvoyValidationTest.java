package io.pilot4j.translate;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.pilot4j.model.PushContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real Envoy accepts what the Envoy generators produce for the sample meshes (skipped without an envoy binary). */
class EnvoyValidationTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pilot4j.translate.SampleMeshes#envoyCases")
    void envoyAcceptsTheGeneratedConfig(String description, ProxyView proxy, PushContext push) throws Exception {
        EnvoyValidator envoy = EnvoyValidator.assumeAvailable();

        EnvoyValidator.Result result = envoy.validate(EnvoyValidator.staticBootstrap(proxy, push));

        assertTrue(result.valid(), () -> "Envoy rejected the config for " + description + ":\n" + result.output());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.pilot4j.translate.SampleMeshes#grpcCases")
    void envoyAcceptsTheGrpcRouteConfigsAndClusters(String description, ProxyView proxy, PushContext push) throws Exception {
        EnvoyValidator envoy = EnvoyValidator.assumeAvailable();
        List<String> targets = new ArrayList<>();
        push.servicesVisibleTo(proxy.namespace()).forEach(s -> s.ports().forEach(p -> targets.add(s.hostname() + ":" + p.port())));
        Bootstrap bootstrap = EnvoyValidator.grpcBootstrap(proxy, push, targets);

        EnvoyValidator.Result result = envoy.validate(bootstrap);

        assertTrue(bootstrap.getStaticResources().getListenersCount() > 3);
        assertTrue(result.valid(), () -> "Envoy rejected the gRPC config for " + description + ":\n" + result.output());
    }

    /** The two mistakes the generators guard against, to show this harness would notice them. */
    @Test
    void envoyRejectsDuplicateListenerAddressesAndDomains() throws Exception {
        EnvoyValidator envoy = EnvoyValidator.assumeAvailable();
        Bootstrap sample = EnvoyValidator.staticBootstrap(Proxies.sidecar("default"), SampleMeshes.bookinfo().build());
        Listener copy = sample.getStaticResources().getListeners(1).toBuilder().setName("copy").build();
        Bootstrap duplicateAddress = sample.toBuilder()
                .setStaticResources(sample.getStaticResources().toBuilder().addListeners(copy))
                .build();

        EnvoyValidator.Result result = envoy.validate(duplicateAddress);

        assertFalse(result.valid());
        assertTrue(result.output().contains("duplicate address"), result.output());
    }
}
