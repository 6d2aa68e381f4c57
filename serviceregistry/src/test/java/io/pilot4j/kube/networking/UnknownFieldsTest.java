package io.pilot4j.kube.networking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnknownFieldsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode tree(String yaml) throws Exception {
        return YAML.readTree(yaml);
    }

    @Test
    void typosAnywhereInTheWrittenSpecAreFoundInsideOneofsToo() throws Exception {
        JsonNode spec = tree("""
                hosts: [a]
                htpp: []
                http:
                - match: [{headers: {x-user: {exact: a, exct: b}}, uri: {prefx: /}}]
                  route: [{destination: {host: a, subst: v1}, wieght: 100}]
                  fault: {abort: {httpStatus: 503, precentage: {value: 1}}, delay: {fixedDelay: 1s, percentage: {valeu: 1}}}
                  redirect: {uri: /x, redirectcode: 301}
                """);
        assertEquals(List.of("spec.htpp", "spec.http[0].match[0].headers[x-user].exct", "spec.http[0].match[0].uri.prefx",
                        "spec.http[0].route[0].destination.subst", "spec.http[0].route[0].wieght", "spec.http[0].fault.abort.precentage",
                        "spec.http[0].fault.delay.percentage.valeu", "spec.http[0].redirect.redirectcode"),
                UnknownFields.of(spec, VirtualService.class, "spec"));
    }

    @Test
    void loadBalancerOneofsAreKnown() throws Exception {
        JsonNode spec = tree("""
                host: a
                trafficPolicy:
                  loadBalancer: {simple: ROUND_ROBIN, localityLbSetting: {enabled: true}}
                  portLevelSettings: [{port: {number: 80}, loadBalancer: {consistentHash: {httpCookie: {name: u, ttl: 1s}, minimumRingSize: 8}}}]
                subsets: [{name: v1, labels: {version: v1}, trafficPolicy: {loadBalancer: {simpel: RANDOM}}}]
                """);
        assertEquals(List.of("spec.subsets[0].trafficPolicy.loadBalancer.simpel"), UnknownFields.of(spec, DestinationRule.class, "spec"));
    }

    @Test
    void whatFabric8KeptAsAdditionalPropertiesIsFoundInAnObject() throws Exception {
        VirtualService vs = YAML.readValue("""
                hosts: [a]
                http: [{route: [{destination: {host: a}}], retries: {atempts: 3}}]
                """, VirtualService.class);
        assertEquals(List.of("spec.http[0].retries.atempts"), UnknownFields.of(vs, "spec"));
        assertEquals("unknown field \"atempts\"", UnknownFields.message("spec.http[0].retries.atempts"));
    }

    @Test
    void aRingHashIsKnownInTheJsonAndInAnObjectReadWithRingHashsModule() throws Exception {
        String yaml = """
                host: a
                trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x, ringHash: {minimumRingSize: 8, minimumRingSiz: 9}}}}
                """;
        List<String> want = List.of("spec.trafficPolicy.loadBalancer.consistentHash.ringHash.minimumRingSiz");
        assertEquals(want, UnknownFields.of(tree(yaml), DestinationRule.class, "spec"));
        DestinationRule dr = new ObjectMapper(new YAMLFactory()).registerModule(RingHash.module()).readValue(yaml, DestinationRule.class);
        assertEquals(want, UnknownFields.of(dr, "spec"));
    }
}
