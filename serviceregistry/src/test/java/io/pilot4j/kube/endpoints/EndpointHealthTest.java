package io.pilot4j.kube.endpoints;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.pilot4j.model.HealthStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EndpointHealthTest {

    /** Every combination of unset/true/false for ready, serving, terminating. */
    @ParameterizedTest(name = "ready={0} serving={1} terminating={2} -> {3}")
    @CsvSource(nullValues = "null", value = {
            "null,  null,  null,  HEALTHY",
            "null,  true,  true,  HEALTHY",
            "null,  false, false, HEALTHY",
            "true,  null,  null,  HEALTHY",
            "true,  true,  false, HEALTHY",
            "true,  false, true,  HEALTHY",
            "true,  true,  true,  HEALTHY",
            "false, true,  true,  DRAINING",
            "false, true,  false, UNHEALTHY",
            "false, true,  null,  UNHEALTHY",
            "false, false, true,  UNHEALTHY",
            "false, null,  true,  UNHEALTHY",
            "false, false, false, UNHEALTHY",
            "false, null,  null,  UNHEALTHY",
            "false, false, null,  UNHEALTHY",
            "false, null,  false, UNHEALTHY",
    })
    void fromConditions(Boolean ready, Boolean serving, Boolean terminating, HealthStatus expected) {
        assertEquals(expected, EndpointHealth.of(new EndpointConditions(ready, serving, terminating)));
    }

    @Test
    void noConditionsMeansReady() {
        assertEquals(HealthStatus.HEALTHY, EndpointHealth.of(null));
    }
}
