package io.pilot4j.serviceregistry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.kube.Yaml;
import io.pilot4j.model.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table every registry and the push scope read: each row complete, and each version of it reading as its kind. */
class ConfigKindTest {

    @Test
    void eachKindHasOneRowFoundByItsKind() {
        Set<Kind> withRows = new HashSet<>();
        for (ConfigKind k : ConfigKind.values()) {
            assertTrue(withRows.add(k.kind()), "one row per kind: " + k.kind());
            assertEquals(k, ConfigKind.of(k.kind()));
            assertSame(k.kind(), Kind.of(k.kind().kubeKind()), "a kind is one instance, whoever names it");
        }
        assertFalse(withRows.contains(Kind.MESH_CONFIG), "the mesh file is no registry object");
    }

    @Test
    void kindsOrderAsKeyPrecedenceDoesAndNewKindsComeAfterByName() {
        assertTrue(Kind.SERVICE.compareTo(Kind.SERVICE_ENTRY) < 0, "a Kubernetes Service wins a hostname over a ServiceEntry");
        Kind later = Kind.of("AuthorizationPolicy");
        Kind laterStill = Kind.of("PeerAuthentication");
        assertTrue(Kind.MESH_CONFIG.compareTo(later) < 0);
        assertTrue(later.compareTo(laterStill) < 0);
        assertSame(later, Kind.of("AuthorizationPolicy"));
    }

    @ParameterizedTest
    @EnumSource(ConfigKind.class)
    void eachVersionIsFoundByItsApiVersionAndConvertsAsTheKind(ConfigKind kind) throws Exception {
        for (ConfigKind.Version<?> v : kind.versions()) {
            String apiVersion = kind.group().isEmpty() ? v.name() : kind.group() + "/" + v.name();
            ConfigKind.Served served = ConfigKind.find(apiVersion, kind.kind().kubeKind()).orElseThrow();
            assertEquals(kind, served.kind());
            assertEquals(v.type(), served.type());
            HasMetadata object = v.type().getDeclaredConstructor().newInstance();
            object.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("a").withNamespace("ns").build());
            // An empty object is invalid for every kind; what counts is that the kind's own conversion judged it.
            var result = kind.convert(object, ConfigKind.Context.of("cluster.local"));
            assertTrue(!result.isValid() || result.value() != null, kind + " " + v.name());
        }
        assertEquals(kind.versions().stream().map(v -> kind.group().isEmpty() ? v.name() : kind.group() + "/" + v.name()).toList(),
                ConfigKind.apiVersionsOf(kind.kind().kubeKind()));
    }

    @Test
    void aVersionConvertsThroughItsOwnSpec() {
        HasMetadata vs = Yaml.read("""
                apiVersion: networking.istio.io/v1beta1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec: {hosts: [reviews], http: [{route: [{destination: {host: reviews}}]}]}
                """, io.fabric8.istio.api.networking.v1beta1.VirtualService.class);
        Converted.Rule rule = assertInstanceOf(Converted.Rule.class,
                ConfigKind.VIRTUAL_SERVICE.convert(vs, ConfigKind.Context.of("cluster.local")).value());
        assertEquals(Kind.VIRTUAL_SERVICE, rule.rule().kind());
        assertEquals(List.of("reviews.shop.svc.cluster.local"), ((io.pilot4j.model.networking.VirtualService) rule.rule()).hosts());
    }

    @Test
    void readersAndResourcesAreIstios() {
        assertTrue(ConfigKind.VIRTUAL_SERVICE.readers().readBy(true) && ConfigKind.VIRTUAL_SERVICE.readers().readBy(false));
        assertTrue(!ConfigKind.SIDECAR.readers().readBy(true) && ConfigKind.SIDECAR.readers().readBy(false), "Sidecars: never routers");
        assertTrue(ConfigKind.GATEWAY.readers().readBy(true) && !ConfigKind.GATEWAY.readers().readBy(false), "Gateways: routers only");
        assertEquals(List.of("serviceentries.networking.istio.io", "workloadentries.networking.istio.io", "virtualservices.networking.istio.io",
                        "destinationrules.networking.istio.io", "sidecars.networking.istio.io", "gateways.networking.istio.io"),
                ConfigKind.ofGroup(ConfigKind.ISTIO_NETWORKING).stream().map(ConfigKind::resource).toList());
        assertEquals("endpointslices.discovery.k8s.io", ConfigKind.ENDPOINT_SLICE.resource());
        assertEquals("services", ConfigKind.SERVICE.resource());
    }
}
