package io.pilot4j.kube.networking;

import io.fabric8.istio.api.networking.v1.Sidecar;
import io.pilot4j.kube.FieldError;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.Yaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** What a Sidecar converts to, and each setting pilot4j cannot apply yet rejecting it with the field named. */
class SidecarConversionTest {

    private static Result<io.pilot4j.model.networking.Sidecar> convert(String spec) {
        Sidecar sidecar = Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata: {name: default, namespace: shop}
                spec:
                """ + spec.indent(2), Sidecar.class);
        return SidecarConversion.convert(sidecar, sidecar.getSpec());
    }

    @Test
    void egressHostsSelectorAndOutboundModeConvert() {
        var r = convert("""
                workloadSelector: {labels: {app: web}}
                egress: [{hosts: ["./*", "istio-system/*"]}, {hosts: ["*/example.com"], captureMode: DEFAULT}]
                outboundTrafficPolicy: {mode: REGISTRY_ONLY}
                """);
        assertTrue(r.isValid(), () -> r.errors().toString());
        assertEquals(Map.of("app", "web"), r.value().workloadSelector());
        assertEquals(List.of(new io.pilot4j.model.networking.Sidecar.EgressListener(List.of("./*", "istio-system/*")),
                new io.pilot4j.model.networking.Sidecar.EgressListener(List.of("*/example.com"))), r.value().egress());
        assertEquals("REGISTRY_ONLY", r.value().outboundTrafficPolicy());
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                arguments("a host not namespace/host", "egress: [{hosts: [example.com]}]", "spec.egress[0].hosts[0]",
                        "\"example.com\" must be namespace/host"),
                arguments("a per-port egress listener, which would show its hosts on every port",
                        "egress: [{port: {number: 9080, name: http, protocol: HTTP}, hosts: [./*]}]", "spec.egress[0].port",
                        "not supported yet: pilot4j applies a Sidecar's egress hosts to every port"),
                arguments("a bound egress listener", "egress: [{bind: 127.0.0.2, hosts: [./*]}]", "spec.egress[0].bind",
                        "not supported yet"),
                arguments("a capture mode", "egress: [{captureMode: NONE, hosts: [./*]}]", "spec.egress[0].captureMode",
                        "NONE is not supported yet"),
                arguments("ingress listeners", "ingress: [{port: {number: 9080, protocol: HTTP, name: http}, defaultEndpoint: 127.0.0.1:8080}]",
                        "spec.ingress", "no inbound listeners"),
                arguments("the inbound connection pool", "inboundConnectionPool: {http: {http1MaxPendingRequests: 10}}",
                        "spec.inboundConnectionPool", "no inbound listeners"),
                arguments("an egress proxy", "outboundTrafficPolicy: {mode: ALLOW_ANY, egressProxy: {host: egress.example.com, port: {number: 443}}}",
                        "spec.outboundTrafficPolicy.egressProxy", "not through an egress proxy"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void settingsNotAppliedRejectTheSidecar(String name, String spec, String field, String message) {
        var r = convert(spec);
        assertTrue(!r.isValid(), name + " must reject the Sidecar");
        FieldError e = r.errors().stream().filter(x -> x.field().equals(field)).findFirst()
                .orElseThrow(() -> new AssertionError("no error on " + field + ": " + r.errors()));
        assertTrue(e.message().contains(message), e.message());
    }
}
