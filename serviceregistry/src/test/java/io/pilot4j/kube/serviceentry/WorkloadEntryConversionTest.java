package io.pilot4j.kube.serviceentry;

import io.fabric8.istio.api.networking.v1.WorkloadEntry;
import io.pilot4j.kube.FieldError;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.Yaml;
import io.pilot4j.model.Locality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class WorkloadEntryConversionTest {

    private static Result<WorkloadInstance> convert(String spec) {
        WorkloadEntry we = Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: vm-1, namespace: shop}
                spec:
                """ + spec.indent(2), WorkloadEntry.class);
        return WorkloadEntryConversion.convert(we, we.getSpec());
    }

    @Test
    void aWorkloadEntryIsAWorkloadWithItsLocalityWeightAndPorts() {
        WorkloadInstance w = convert("""
                address: 10.5.0.1
                labels: {app: api, version: v2}
                ports: {http: 8081}
                locality: us-east/us-east-1a
                weight: 3
                serviceAccount: api
                """).value();
        assertEquals(new WorkloadInstance("10.5.0.1", Map.of("app", "api", "version", "v2"), Map.of("http", 8081),
                Locality.parse("us-east/us-east-1a"), 3, "api", io.pilot4j.model.HealthStatus.HEALTHY), w);
        assertEquals(List.of("10.5.0.1:8081 http", "10.5.0.1:9090 grpc"), w.endpoints(List.of(new WorkloadSelection.Port("http", 8080),
                new WorkloadSelection.Port("grpc", 9090))).stream().map(e -> e.address() + ":" + e.port() + " " + e.servicePortName()).toList(),
                "a named port is the entry's, another the service port's target");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("no address", "labels: {app: a}", List.of("spec.address: required")),
                arguments("a bad address and port", "address: not_a_host!\nports: {http: 70000}",
                        List.of("spec.address: \"not_a_host!\" is not a valid IP address, hostname or unix:// path",
                                "spec.ports[http]: 70000 is out of range 1-65535")),
                arguments("an empty socket path", "address: \"unix://\"", List.of("spec.address: unix:// needs a socket path")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidEntriesAreRejectedWithTheFieldNamed(String name, String spec, List<String> errors) {
        assertEquals(errors, convert(spec).errors().stream().map(FieldError::toString).toList());
    }
}
