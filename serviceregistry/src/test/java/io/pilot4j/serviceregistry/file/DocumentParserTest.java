package io.pilot4j.serviceregistry.file;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.serviceregistry.ConfigKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class DocumentParserTest {
    private final DocumentParser parser = new DocumentParser();

    static Stream<Arguments> servedKinds() {
        return Stream.of(
                arguments("v1", "Service", ConfigKind.SERVICE, io.fabric8.kubernetes.api.model.Service.class),
                arguments("v1", "Endpoints", ConfigKind.ENDPOINTS, io.fabric8.kubernetes.api.model.Endpoints.class),
                arguments("discovery.k8s.io/v1", "EndpointSlice", ConfigKind.ENDPOINT_SLICE,
                        io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice.class),
                arguments("networking.istio.io/v1", "ServiceEntry", ConfigKind.SERVICE_ENTRY, io.fabric8.istio.api.networking.v1.ServiceEntry.class),
                arguments("networking.istio.io/v1beta1", "ServiceEntry", ConfigKind.SERVICE_ENTRY,
                        io.fabric8.istio.api.networking.v1beta1.ServiceEntry.class),
                arguments("networking.istio.io/v1alpha3", "ServiceEntry", ConfigKind.SERVICE_ENTRY,
                        io.fabric8.istio.api.networking.v1alpha3.ServiceEntry.class),
                arguments("networking.istio.io/v1beta1", "Gateway", ConfigKind.GATEWAY, io.fabric8.istio.api.networking.v1beta1.Gateway.class));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("servedKinds")
    void eachServedKindParsesIntoItsClass(String apiVersion, String kind, ConfigKind expected, Class<?> type) {
        List<Document> docs = parser.parse("x.yaml", "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: {name: a, namespace: ns}\n");
        Document.Parsed parsed = assertInstanceOf(Document.Parsed.class, docs.get(0));
        assertEquals(expected, parsed.kind().kind());
        assertEquals(type, parsed.kind().type());
        assertEquals(type, parsed.object().getClass());
        assertEquals("a", parsed.object().getMetadata().getName());
        assertEquals(List.of(), parsed.unknownFields());
    }

    @Test
    void multiDocumentYamlCountsOnlyNonEmptyDocuments() {
        List<Document> docs = parser.parse("x.yaml", """
                ---
                # comments only
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: a}
                --- # separator with a comment
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: a-1}
                ---
                """);
        assertEquals(2, docs.size());
        assertEquals(0, docs.get(0).index());
        assertInstanceOf(Service.class, ((Document.Parsed) docs.get(0)).object());
        assertEquals(1, docs.get(1).index());
        assertInstanceOf(EndpointSlice.class, ((Document.Parsed) docs.get(1)).object());
    }

    @Test
    void listItemsShareTheirDocumentIndexAndPrefixTheirPaths() {
        List<Document> docs = parser.parse("x.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: first}
                ---
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: Service
                  metadata: {name: a}
                - apiVersion: v1
                  kind: Service
                  metadata: {name: b}
                  spec: {ports: [{port: abc}]}
                """);
        assertEquals(3, docs.size());
        assertEquals("a", ((Document.Parsed) docs.get(1)).object().getMetadata().getName());
        assertEquals(1, docs.get(1).index());
        assertEquals(new Document.Invalid(1, "Service", "default", "b", "items[1].spec.ports[0].port: want an integer, got \"abc\""), docs.get(2));
    }

    @Test
    void aRingHashIsReadAndAFieldUnknownInsideItIsReported() {
        List<Document> docs = parser.parse("dr.yaml", """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: default}
                spec:
                  host: reviews
                  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x, ringHash: {minimumRingSize: 64}}}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: typo, namespace: default}
                spec:
                  host: reviews
                  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x, ringHash: {minimumRingSiz: 64}}}}
                """);
        Document.Parsed ok = (Document.Parsed) docs.get(0);
        assertEquals(List.of(), ok.unknownFields());
        Document.Parsed typo = (Document.Parsed) docs.get(1);
        assertEquals(List.of("spec.trafficPolicy.loadBalancer.consistentHash.ringHash.minimumRingSiz"), typo.unknownFields());
    }

    @Test
    void unknownKindsAreSkipped() {
        List<Document> docs = parser.parse("x.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: reviews-v1}
                """);
        assertEquals(List.of(new Document.Skipped(0, "apps/v1", "Deployment", "reviews-v1")), docs);
    }

    @Test
    void securityPoliciesAreRefusedNotSkippedAsNothingWouldEnforceThem() {
        List<Document> docs = parser.parse("x.yaml", """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-all, namespace: shop}
                spec: {}
                ---
                apiVersion: security.istio.io/v1beta1
                kind: PeerAuthentication
                metadata: {name: strict, namespace: istio-system}
                spec: {mtls: {mode: STRICT}}
                """);
        assertEquals(List.of(
                new Document.Invalid(0, "AuthorizationPolicy", "shop", "deny-all", "kind: AuthorizationPolicy (security.istio.io/v1) "
                        + "is not supported yet: pilot4j applies no mTLS, authentication or authorization policy, so nothing would enforce it"),
                new Document.Invalid(1, "PeerAuthentication", "istio-system", "strict", "kind: PeerAuthentication (security.istio.io/v1beta1) "
                        + "is not supported yet: pilot4j applies no mTLS, authentication or authorization policy, so nothing would enforce it")),
                docs);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("missing kind", "apiVersion: v1\nmetadata: {name: a, namespace: ns}\n",
                        new Document.Invalid(0, "", "ns", "a", "kind: required")),
                arguments("missing both", "metadata: {name: a}\n",
                        new Document.Invalid(0, "", "", "a", "apiVersion: required; kind: required")),
                arguments("not an object", "- a\n- b\n",
                        new Document.Invalid(0, "", "", "", "want an object with apiVersion and kind, got a list")),
                arguments("served kind, wrong apiVersion", "apiVersion: v1\nkind: ServiceEntry\nmetadata: {name: a}\n",
                        new Document.Invalid(0, "ServiceEntry", "default", "a", "apiVersion: \"v1\" is not served for ServiceEntry: "
                                + "want networking.istio.io/v1 or networking.istio.io/v1beta1 or networking.istio.io/v1alpha3")),
                arguments("wrong type", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports:\n  - {name: http, port: abc}\n",
                        new Document.Invalid(0, "Service", "default", "a", "spec.ports[0].port: want an integer, got \"abc\"")),
                arguments("float for an integer", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports: [{port: 80.5}]\n",
                        new Document.Invalid(0, "Service", "default", "a", "spec.ports[0].port: want an integer, got 80.5")),
                arguments("object for a list", "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: a}\nspec: {hosts: {a: b}}\n",
                        new Document.Invalid(0, "ServiceEntry", "default", "a", "spec.hosts: want a list, got an object")),
                arguments("unknown enum value", "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: a}\nspec: {resolution: DSN}\n",
                        new Document.Invalid(0, "ServiceEntry", "default", "a",
                                "spec.resolution: want one of DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS, NONE, STATIC, got \"DSN\"")),
                arguments("duplicate key", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {}\nspec: {}\n",
                        new Document.Invalid(0, "", "", "", "invalid YAML at line 5, column 5: Duplicate field 'spec'")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidDocumentsNameTheField(String name, String yaml, Document.Invalid expected) {
        assertEquals(List.of(expected), parser.parse("x.yaml", yaml));
    }

    @Test
    void syntaxErrorsGiveTheFileLineAndDoNotHideLaterDocuments() {
        List<Document> docs = parser.parse("x.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: a}
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: b
                   namespace: x
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: c}
                spec: {ports: [{port: nope}]}
                """);
        assertEquals(3, docs.size());
        assertInstanceOf(Document.Parsed.class, docs.get(0));
        Document.Invalid syntax = assertInstanceOf(Document.Invalid.class, docs.get(1));
        assertEquals(1, syntax.index());
        assertEquals("invalid YAML at line 9, column 13: mapping values are not allowed here", syntax.message());
        assertEquals(new Document.Invalid(2, "Service", "default", "c", "spec.ports[0].port: want an integer, got \"nope\""), docs.get(2));
    }

    @Test
    void unknownFieldsAreListedAndTheDocumentStillParses() {
        List<Document> docs = parser.parse("x.yaml", """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: a, labelz: {x: y}}
                spec:
                  hosts: [a.example.com]
                  ports: [{name: http, number: 80, protocl: HTTP}]
                  resolution: dns
                """);
        Document.Parsed parsed = assertInstanceOf(Document.Parsed.class, docs.get(0));
        assertEquals(List.of("metadata.labelz", "spec.ports[0].protocl"), parsed.unknownFields());
        var se = (io.fabric8.istio.api.networking.v1.ServiceEntry) parsed.object();
        assertEquals("DNS", se.getSpec().getResolution().name());
    }

    @Test
    void jsonFilesHoldOneObject() {
        List<Document> docs = parser.parse("x.json", """
                {"apiVersion": "v1", "kind": "List", "items": [
                  {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}},
                  {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "a"}}
                ]}
                """);
        assertEquals(2, docs.size());
        assertInstanceOf(Document.Parsed.class, docs.get(1));

        List<Document> broken = parser.parse("x.json", "{\"apiVersion\": \"v1\",\n \"kind\": }\n");
        Document.Invalid invalid = assertInstanceOf(Document.Invalid.class, broken.get(0));
        assertEquals(0, invalid.index());
        assertEquals("invalid JSON at line 2, column 10: Unexpected character ('}' (code 125)): "
                + "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", invalid.message());
    }
}
