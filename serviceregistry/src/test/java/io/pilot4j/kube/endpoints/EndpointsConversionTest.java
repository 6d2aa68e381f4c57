package io.pilot4j.kube.endpoints;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.Yaml;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EndpointsConversionTest {

    @Test
    void readyAndNotReadyAddressesTimesSubsetPorts() {
        Endpoints object = Yaml.read("""
                apiVersion: v1
                kind: Endpoints
                metadata: {name: details, namespace: bookinfo}
                subsets:
                - addresses: [{ip: 10.2.0.1}, {ip: 10.2.0.2}]
                  notReadyAddresses: [{ip: 10.2.0.3}]
                  ports: [{name: http, port: 9080}]
                - addresses: [{ip: 10.2.1.1}]
                  ports: [{port: 9443}]
                """, Endpoints.class);

        Result<ServiceEndpoints> result = EndpointsConversion.convert(object, "cluster.local");

        assertEquals(new ServiceEndpoints("bookinfo", "details", "details.bookinfo.svc.cluster.local", List.of(
                ep("10.2.0.1", 9080, "http", HealthStatus.HEALTHY),
                ep("10.2.0.2", 9080, "http", HealthStatus.HEALTHY),
                ep("10.2.0.3", 9080, "http", HealthStatus.UNHEALTHY),
                ep("10.2.1.1", 9443, "", HealthStatus.HEALTHY))), result.value());
    }

    @Test
    void reportsEveryBadField() {
        Endpoints object = Yaml.read("""
                kind: Endpoints
                subsets:
                - addresses: [{ip: 10.2.0.1}, {hostname: x}]
                  notReadyAddresses: [{ip: nope}]
                  ports: [{name: http}, {name: big, port: 65536}]
                """, Endpoints.class);

        Result<ServiceEndpoints> result = EndpointsConversion.convert(object, "cluster.local");

        assertEquals(List.of(
                "metadata.name: required",
                "subsets[0].ports[0].port: required",
                "subsets[0].ports[1].port: 65536 is out of range 1-65535",
                "subsets[0].addresses[1].ip: required",
                "subsets[0].notReadyAddresses[0].ip: \"nope\" is not a valid IP address"),
                result.errors().stream().map(Object::toString).toList());
    }

    private static Endpoint ep(String address, int port, String portName, HealthStatus health) {
        return new Endpoint(address, port, portName, Map.of(), Locality.NONE, 1, health, "");
    }
}
